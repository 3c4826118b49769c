// The example app's code: nothing in it knows about the emulator.
import { Amplify } from 'aws-amplify';
import { signIn } from 'aws-amplify/auth';
import { downloadData, list, uploadData } from 'aws-amplify/storage';

const log = (line) => {
  document.getElementById('log').textContent += `${line}\n`;
};
const step = (name, fn) => async (event) => {
  event?.preventDefault();
  try {
    log(`${name}: ${await fn()}`);
  } catch (e) {
    log(`${name}: ${e.name}: ${e.message}`);
  }
};

Amplify.configure(await (await fetch('./amplify_outputs.json')).json());

document.getElementById('sign-in').addEventListener('submit', step('sign in', async () => {
  const form = new FormData(document.getElementById('sign-in'));
  const { isSignedIn } = await signIn({ username: form.get('username'), password: form.get('password') });
  return isSignedIn ? 'signed in' : 'not signed in';
}));
document.getElementById('upload').addEventListener('click', step('upload', async () => {
  const { path } = await uploadData({ path: 'public/hello.txt', data: document.getElementById('text').value }).result;
  return `uploaded ${path}`;
}));
document.getElementById('list').addEventListener('click', step('list', async () => {
  const { items } = await list({ path: 'public/' });
  return items.map((i) => i.path).join(', ') || '(empty)';
}));
document.getElementById('download').addEventListener('click', step('download', async () => {
  const { body } = await downloadData({ path: 'public/hello.txt' }).result;
  return await body.text();
}));
document.getElementById('admin').addEventListener('click', step('admin upload', async () => {
  await uploadData({ path: 'admin/report.txt', data: 'report' }).result;
  return 'uploaded admin/report.txt';
}));
log('ready');
