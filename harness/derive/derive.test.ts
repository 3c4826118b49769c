import { describe, expect, it } from 'vitest';
import type { PathsMap } from '../../emulator/policy/types.js';
import type { Scenario, ScenarioCase, ScenarioUser } from '../scenario/types.js';
import { DERIVED_PASSWORD, deriveCases, PROBE_BODY } from './derive.js';

const SUB = '${cognito-identity.amazonaws.com:sub}';
const ALL = ['get', 'list', 'write', 'delete'] as const;

interface Setup {
  paths?: PathsMap;
  buckets?: Array<{ name: string; paths: PathsMap; default?: boolean }>;
  groups?: string[];
  users?: Array<Partial<ScenarioUser> & { name: string }>;
  guestAccess?: boolean;
  cases?: ScenarioCase[];
  objects?: Scenario['objects'];
}

function scenario(s: Setup): Scenario {
  const buckets = s.buckets ?? [{ name: 'custom', paths: s.paths ?? {} }];
  return {
    file: '/tmp/derive.yaml',
    version: 1,
    name: 'derive test',
    region: 'us-east-1',
    auth: {
      guestAccess: s.guestAccess ?? true,
      groups: (s.groups ?? []).map((name, precedence) => ({ name, precedence })),
      users: (s.users ?? []).map((u) => ({ password: 'Passw0rd!', groups: [], ...u })),
      accountId: '123456789012',
      roles: { guest: 'arn:aws:iam::123456789012:role/unauth', authenticated: 'arn:aws:iam::123456789012:role/auth', groups: {} },
    },
    buckets: buckets.map((b, i) => ({
      name: b.name,
      bucketName: `${b.name}-bucket-1234`,
      region: 'us-east-1',
      default: b.default ?? i === 0,
      paths: b.paths,
      crossAccount: false,
    })),
    objects: s.objects ?? [],
    derive: true,
    cases: s.cases ?? [],
  };
}

const tuple = (c: ScenarioCase): string =>
  `${c.as} ${c.op} ${c.path} ${c.expect.outcome}${c.expect.error ? `:${c.expect.error}` : ''}`;
const tuples = (cases: ScenarioCase[]): string[] => cases.map(tuple).sort();

/** The four expected tuples of one actor in one folder, given the outcome for get, list, write, delete. */
function row(actor: string, folder: string, outcomes: [string, string, string, string], probeOwner = folder): string[] {
  const [get, list, write, del] = outcomes;
  return [
    `${actor} download ${probeOwner}derived-probe.txt ${get}`,
    `${actor} list ${folder} ${list}`,
    `${actor} upload ${folder}derived-upload-${actor}.txt ${write}`,
    `${actor} remove ${folder}derived-remove-${actor}.txt ${del}`,
  ];
}
const allow4: [string, string, string, string] = ['allow', 'allow', 'allow', 'allow'];
const deny4: [string, string, string, string] = ['deny', 'deny', 'deny', 'deny'];
const read2: [string, string, string, string] = ['allow', 'allow', 'deny', 'deny'];

describe('deriveCases: the seed page examples', () => {
  it('Guest: guests read public/, signed-in users get nothing (with a note)', () => {
    const d = deriveCases(scenario({ paths: { 'public/*': { guest: ['get', 'list'] } } }));
    expect(tuples(d.cases)).toEqual([...row('guest', 'public/', read2), ...row('derived-user', 'public/', deny4)].sort());
    expect(d.actors.map((a) => [a.name, a.groups, a.role])).toEqual([['derived-user', [], 'signed-in']]);
    const userGet = d.cases.find((c) => c.as === 'derived-user' && c.op === 'download')!;
    expect(userGet.derived).toEqual({
      rule: 'public/* authenticated get',
      note: 'paths grants get here to guest; a signed-in user holds the authenticated role, not the guest role',
    });
    expect(d.notes).toEqual([]);
  });

  it('Authenticated: guests read, signed-in users do everything', () => {
    const d = deriveCases(
      scenario({ paths: { 'public/*': { guest: ['get', 'list'], authenticated: ['get', 'list', 'write', 'delete'] } } }),
    );
    expect(tuples(d.cases)).toEqual([...row('guest', 'public/', read2), ...row('derived-user', 'public/', allow4)].sort());
  });

  it('User groups: admin members hold the admin role only, so public/ is denied to them (with notes)', () => {
    const d = deriveCases(
      scenario({
        groups: ['admin'],
        paths: {
          'public/*': { authenticated: [...ALL] },
          'admin/*': { authenticated: ['get', 'list'], groupsadmin: [...ALL] },
        },
      }),
    );
    expect(tuples(d.cases)).toEqual(
      [
        ...row('guest', 'public/', deny4),
        ...row('derived-user', 'public/', allow4),
        ...row('derived-admin-member', 'public/', deny4),
        ...row('guest', 'admin/', deny4),
        ...row('derived-user', 'admin/', read2),
        ...row('derived-admin-member', 'admin/', allow4),
      ].sort(),
    );
    expect(d.actors.map((a) => [a.name, a.groups, a.role])).toEqual([
      ['derived-user', [], 'signed-in'],
      ['derived-admin-member', ['admin'], 'group-member'],
    ]);
  });

  it('Owners: protected/ is readable by all, each folder writable by its owner only', () => {
    const d = deriveCases(
      scenario({
        paths: {
          'public/*': { guest: ['get', 'list'], authenticated: [...ALL] },
          'protected/*': { guest: ['get', 'list'], authenticated: ['get', 'list'] },
          [`protected/${SUB}/*`]: { entityidentity: [...ALL] },
        },
      }),
    );
    const folder = 'protected/{identity:derived-owner}/';
    expect(tuples(d.cases)).toEqual(
      [
        ...row('guest', 'public/', read2),
        ...row('derived-user', 'public/', allow4),
        ...row('guest', 'protected/', read2),
        ...row('derived-user', 'protected/', read2),
        // The owner path adds to its parent: guests and other users keep protected/* read.
        ...row('guest', folder, read2),
        ...row('derived-owner', folder, allow4),
        ...row('derived-other', folder, read2),
      ].sort(),
    );
    expect(d.actors.map((a) => a.name)).toEqual(['derived-user', 'derived-owner', 'derived-other']);
    expect(d.notes).toEqual([]);
    const ownerWrite = d.cases.find((c) => c.as === 'derived-owner' && c.op === 'upload')!;
    expect(ownerWrite.derived).toEqual({ rule: `protected/${SUB}/* entityidentity write` });
    const guestRead = d.cases.find((c) => c.as === 'guest' && c.op === 'download' && c.path.startsWith(folder))!;
    expect(guestRead.derived).toEqual({ rule: 'protected/* guest get' });
    const otherWrite = d.cases.find((c) => c.as === 'derived-other' && c.op === 'upload')!;
    expect(otherWrite.derived).toEqual({ rule: `protected/${SUB}/* authenticated write` });
  });
});

describe('deriveCases: case shape and objects', () => {
  const d = deriveCases(
    scenario({
      paths: { 'public/*': { guest: ['read'] }, [`private/${SUB}/*`]: { entityidentity: [...ALL] } },
      cases: [
        { index: 0, as: 'guest', op: 'list', path: 'public/', bucket: 'custom', expect: { outcome: 'allow' }, line: 12 },
        { index: 1, as: 'guest', op: 'list', path: 'public/', bucket: 'custom', expect: { outcome: 'allow' }, line: 17 },
      ],
    }),
  );

  it('continues the written cases’ index, with line 0, a name and a rule', () => {
    expect(d.cases.map((c) => c.index)).toEqual(d.cases.map((_, i) => i + 2));
    for (const c of d.cases) {
      expect(c.line).toBe(0);
      expect(c.bucket).toBe('custom');
      expect(c.name).toBe(`${c.as} ${c.op} ${c.path} (paths: ${c.expect.outcome === 'allow' ? 'allowed' : 'denied'})`);
      expect(c.derived?.rule).toMatch(/^\S+ \S+ (get|list|write|delete)$/);
    }
    expect(d.cases.find((c) => c.as === 'guest' && c.op === 'list' && c.path === 'public/')!.name).toBe(
      'guest list public/ (paths: allowed)',
    );
  });

  it('allowed downloads expect the seeded body; every download and remove key is seeded, uploads are not', () => {
    const seeded = new Set(d.objects.map((o) => `${o.bucket} ${o.path}`));
    expect(d.objects.every((o) => o.body === PROBE_BODY)).toBe(true);
    for (const c of d.cases) {
      const key = `${c.bucket} ${c.path}`;
      if (c.op === 'download' || c.op === 'remove') expect(seeded.has(key)).toBe(true);
      if (c.op === 'upload') expect(seeded.has(key)).toBe(false);
      if (c.op === 'download' && c.expect.outcome === 'allow') expect(c.expect.body).toBe(PROBE_BODY);
    }
    expect(d.objects.map((o) => o.path)).toContain('private/{identity:derived-owner}/derived-probe.txt');
  });

  it('gives each upload and remove its own key, so order does not matter', () => {
    const writes = d.cases.filter((c) => c.op === 'upload' || c.op === 'remove').map((c) => c.path);
    expect(new Set(writes).size).toBe(writes.length);
    const downloads = new Set(d.cases.filter((c) => c.op === 'download').map((c) => c.path));
    for (const w of writes) expect(downloads.has(w)).toBe(false);
  });

  it('creates users that pass Cognito’s default password policy', () => {
    for (const a of d.actors) {
      expect(a.password).toBe(DERIVED_PASSWORD);
      expect(a.password).toMatch(/^(?=.*[a-z])(?=.*[A-Z])(?=.*\d)(?=.*[^A-Za-z0-9]).{8,}$/);
    }
  });

  it('never reuses a key a written object or case uses', () => {
    const taken = deriveCases(
      scenario({
        paths: { 'public/*': { guest: ['get'] } },
        objects: [{ path: 'public/derived-probe.txt', body: 'mine', bucket: 'custom' }],
        cases: [{ index: 0, as: 'guest', op: 'upload', path: 'public/derived-upload-guest.txt', bucket: 'custom', expect: { outcome: 'deny' }, line: 3 }],
      }),
    );
    const paths = taken.cases.map((c) => c.path);
    expect(paths).toContain('public/derived-probe-2.txt');
    expect(paths).toContain('public/derived-upload-guest-2.txt');
    expect(paths).not.toContain('public/derived-probe.txt');
  });
});

describe('deriveCases: nested paths', () => {
  const d = deriveCases(
    scenario({
      paths: {
        'public/*': { guest: ['get', 'list'], authenticated: [...ALL] },
        'public/private/*': { authenticated: ['get'] },
      },
    }),
  );

  it('a child path stands alone: parent grants do not reach it', () => {
    expect(tuples(d.cases)).toEqual(
      [
        ...row('guest', 'public/', read2),
        ...row('derived-user', 'public/', allow4),
        ...row('guest', 'public/private/', deny4),
        ...row('derived-user', 'public/private/', ['allow', 'deny', 'deny', 'deny']),
      ].sort(),
    );
    const childList = d.cases.find((c) => c.as === 'derived-user' && c.op === 'list' && c.path === 'public/private/')!;
    expect(childList.derived?.rule).toBe('public/private/* authenticated list');
  });

  it('places parent probes outside the child path', () => {
    const parentProbes = d.cases.filter((c) => c.derived!.rule.startsWith('public/* ') && c.op !== 'list');
    expect(parentProbes.length).toBeGreaterThan(0);
    for (const c of parentProbes) {
      expect(c.path.startsWith('public/private/')).toBe(false);
      expect(c.path.slice('public/'.length)).not.toContain('/');
    }
  });
});

describe('deriveCases: a path only backend functions reach', () => {
  it('`{}` under a readable path is denied to everyone, as Amplify\'s Deny statements have it', () => {
    const d = deriveCases(scenario({ paths: { 'media/*': { guest: ['read'] }, 'media/thumbs/*': {} } }));
    expect(tuples(d.cases.filter((c) => c.path.startsWith('media/thumbs/')))).toEqual(
      [...row('guest', 'media/thumbs/', deny4), ...row('derived-user', 'media/thumbs/', deny4)].sort(),
    );
  });

  it('a child whose lists are all empty adds no Deny: the parent\'s rules reach it', () => {
    const d = deriveCases(scenario({ paths: { 'media/*': { guest: ['read'] }, 'media/thumbs/*': { guest: [] } } }));
    expect(tuples(d.cases.filter((c) => c.as === 'guest' && c.path.startsWith('media/thumbs/')))).toEqual(row('guest', 'media/thumbs/', read2).sort());
  });
});

describe('deriveCases: owner paths with rules for others', () => {
  it('lets every signed-in user use them in any folder, and notes that Amplify generates them on the folder path', () => {
    const d = deriveCases(
      scenario({
        paths: {
          'protected/*': { guest: ['get'] },
          [`protected/${SUB}/*`]: { authenticated: ['get', 'list'], entityidentity: [...ALL] },
        },
      }),
    );
    const folder = 'protected/{identity:derived-owner}/';
    expect(tuples(d.cases)).toEqual(
      [
        ...row('guest', 'protected/', ['allow', 'deny', 'deny', 'deny']),
        ...row('derived-user', 'protected/', deny4),
        ...row('guest', folder, ['allow', 'deny', 'deny', 'deny']),
        ...row('derived-owner', folder, allow4),
        ...row('derived-other', folder, read2),
      ].sort(),
    );
    expect(d.notes).toEqual([
      `derive: protected/${SUB}/* (bucket custom) gives authenticated get/list, which Amplify generates on protected/* ` +
        '(the owner token becomes * and /*/* collapses to /*): IAM grants that on all of protected/*, paths only in owner folders, ' +
        'so derived cases on protected/* itself may fail with generated policies.',
    ]);
  });

  it('accepts the defineStorage spelling of the owner token', () => {
    const d = deriveCases(scenario({ paths: { 'private/{entity_id}/*': { entityidentity: ['read'] } } }));
    expect(tuples(d.cases.filter((c) => c.as === 'derived-owner'))).toEqual(
      row('derived-owner', 'private/{identity:derived-owner}/', read2).sort(),
    );
  });
});

describe('deriveCases: groups', () => {
  const d = deriveCases(
    scenario({
      groups: ['admin', 'editors'],
      paths: {
        'public/*': { guest: ['get'], authenticated: ['get', 'list'], groupseditors: ['get', 'list', 'write'] },
        [`private/${SUB}/*`]: { entityidentity: [...ALL], groupsadmin: ['get'] },
      },
    }),
  );

  it('creates one member per group, in exactly that group', () => {
    expect(d.actors.filter((a) => a.role === 'group-member').map((a) => [a.name, a.groups])).toEqual([
      ['derived-admin-member', ['admin']],
      ['derived-editors-member', ['editors']],
    ]);
  });

  it('counts only the member’s own group rules, and notes what paths suggests besides', () => {
    const admin = d.cases.filter((c) => c.as === 'derived-admin-member');
    expect(tuples(admin)).toEqual(
      [
        ...row('derived-admin-member', 'public/', deny4),
        ...row('derived-admin-member', 'private/{identity:derived-admin-member}/', ['allow', 'deny', 'deny', 'deny']),
      ].sort(),
    );
    const publicGet = admin.find((c) => c.op === 'download' && c.path.startsWith('public/'))!;
    expect(publicGet.derived).toEqual({
      rule: 'public/* groupsadmin get',
      note: "paths also grants get here to authenticated, guest; a member of admin holds only that group's role, so only groupsadmin rules count",
    });
    // On its own owner folder, entity rules would apply to a user in no group.
    const ownWrite = admin.find((c) => c.op === 'upload' && c.path.startsWith('private/'))!;
    expect(ownWrite.derived?.note).toBe(
      "paths also grants write here to entityidentity; a member of admin holds only that group's role, so only groupsadmin rules count",
    );
    const ownGet = admin.find((c) => c.op === 'download' && c.path.startsWith('private/'))!;
    expect(ownGet.derived).toEqual({ rule: `private/${SUB}/* groupsadmin get` });

    const editors = d.cases.filter((c) => c.as === 'derived-editors-member' && c.path.startsWith('public/'));
    expect(tuples(editors)).toEqual(row('derived-editors-member', 'public/', ['allow', 'allow', 'allow', 'deny']).sort());
    expect(editors.find((c) => c.op === 'remove')!.derived?.note).toBeUndefined();
  });

  it('reports group access keys that no declared group matches', () => {
    const r = deriveCases(scenario({ groups: ['admin'], paths: { 'admin/*': { groupsadmins: ['get'] } } }));
    expect(r.notes.join('\n')).toContain('groupsadmins');
    expect(tuples(r.cases.filter((c) => c.as === 'derived-admin-member'))).toEqual(row('derived-admin-member', 'admin/', deny4).sort());
  });
});

describe('deriveCases: guest access off', () => {
  const d = deriveCases(
    scenario({
      guestAccess: false,
      paths: { 'public/*': { guest: ['get', 'list'], authenticated: [...ALL] } },
    }),
  );

  it('expects the client’s NoCredentials error, except where paths grants guests the action', () => {
    const guest = d.cases.filter((c) => c.as === 'guest');
    expect(tuples(guest)).toEqual(
      [
        'guest download public/derived-probe.txt allow',
        'guest list public/ allow',
        'guest upload public/derived-upload-guest.txt error:NoCredentials',
        'guest remove public/derived-remove-guest.txt error:NoCredentials',
      ].sort(),
    );
    for (const c of guest.filter((g) => g.expect.outcome === 'allow')) expect(c.derived?.note).toMatch(/guest access is off/);
    expect(guest.find((c) => c.op === 'upload')!.name).toBe('guest upload public/derived-upload-guest.txt (paths: denied; no guest credentials)');
    expect(d.notes.join('\n')).toMatch(/guestAccess is false/);
  });

  it('leaves signed-in users as they are', () => {
    expect(tuples(d.cases.filter((c) => c.as !== 'guest'))).toEqual(row('derived-user', 'public/', allow4).sort());
  });
});

describe('deriveCases: several buckets', () => {
  const d = deriveCases(
    scenario({
      groups: ['admin'],
      buckets: [
        { name: 'photos', paths: { 'public/*': { guest: ['get'] } } },
        { name: 'docs', paths: { [`private/${SUB}/*`]: { entityidentity: ['get', 'list'] }, 'shared/*': { groupsadmin: ['write'] } } },
        { name: 'empty', paths: {} },
      ],
    }),
  );

  it('derives each bucket from its own paths, with its own objects', () => {
    const byBucket = (b: string) => d.cases.filter((c) => c.bucket === b);
    expect(tuples(byBucket('photos'))).toEqual(
      [
        ...row('guest', 'public/', ['allow', 'deny', 'deny', 'deny']),
        ...row('derived-user', 'public/', deny4),
        ...row('derived-admin-member', 'public/', deny4),
      ].sort(),
    );
    const folder = 'private/{identity:derived-owner}/';
    expect(tuples(byBucket('docs'))).toEqual(
      [
        ...row('guest', folder, deny4),
        ...row('derived-owner', folder, read2),
        ...row('derived-other', folder, deny4),
        ...row('derived-admin-member', 'private/{identity:derived-admin-member}/', deny4),
        ...row('guest', 'shared/', deny4),
        ...row('derived-user', 'shared/', deny4),
        ...row('derived-admin-member', 'shared/', ['deny', 'deny', 'allow', 'deny']),
      ].sort(),
    );
    expect(byBucket('empty')).toEqual([]);
    expect(d.notes.join('\n')).toContain('bucket empty has no paths');
    for (const o of d.objects) {
      const match = d.cases.some((c) => c.bucket === o.bucket && c.path === o.path);
      expect(match).toBe(true);
    }
    expect(new Set(d.objects.map((o) => o.bucket))).toEqual(new Set(['photos', 'docs']));
  });

  it('shares the actors between buckets', () => {
    expect(d.actors.map((a) => a.name)).toEqual(['derived-user', 'derived-owner', 'derived-other', 'derived-admin-member']);
  });
});

describe('deriveCases: user names', () => {
  it('never collides with declared users, and says so', () => {
    const d = deriveCases(
      scenario({
        groups: ['admin'],
        users: [{ name: 'derived-user' }, { name: 'derived-owner' }, { name: 'derived-owner-2' }, { name: 'derived-admin-member', groups: ['admin'] }],
        paths: { 'public/*': { authenticated: ['get'] }, [`private/${SUB}/*`]: { entityidentity: ['get'] } },
      }),
    );
    const names = d.actors.map((a) => a.name);
    expect(names).toEqual(['derived-user-2', 'derived-owner-3', 'derived-other', 'derived-admin-member-2']);
    const declared = new Set(['derived-user', 'derived-owner', 'derived-owner-2', 'derived-admin-member']);
    for (const c of d.cases) expect(declared.has(c.as)).toBe(false);
    expect(d.cases.some((c) => c.path.includes('{identity:derived-owner-3}'))).toBe(true);
    expect(d.notes.join('\n')).toContain('derived-user → derived-user-2');
  });

  it('makes group member names that Cognito and placeholders accept', () => {
    const d = deriveCases(scenario({ groups: ['team {a} b'], paths: { 'x/*': { 'groupsteam {a} b': ['get'] } } }));
    const member = d.actors.find((a) => a.role === 'group-member')!;
    expect(member.name).toBe('derived-team__a__b-member');
    expect(member.groups).toEqual(['team {a} b']);
    expect(tuples(d.cases.filter((c) => c.as === member.name))).toEqual(row(member.name, 'x/', ['allow', 'deny', 'deny', 'deny']).sort());
  });

  it('creates no actors when there is nothing to derive', () => {
    expect(deriveCases(scenario({ groups: ['admin'], paths: {} }))).toMatchObject({ cases: [], actors: [], objects: [] });
  });
});
