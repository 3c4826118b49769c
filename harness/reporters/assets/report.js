(function(){
  function fit(){document.querySelectorAll('table.matrix').forEach(function(t){var r=t.tHead&&t.tHead.rows[0];if(r){t.style.setProperty('--h1',r.getBoundingClientRect().height+'px');}});}
  fit();addEventListener('resize',fit);
  var box=document.getElementById('only-failures');
  if(box){box.addEventListener('change',function(){document.body.classList.toggle('only-failures',box.checked);fit();});}
})();
