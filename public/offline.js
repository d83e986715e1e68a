// The offline page's retry button (a file of its own: the site's policy allows no inline script).
document.getElementById('retry').addEventListener('click', () => location.reload());
