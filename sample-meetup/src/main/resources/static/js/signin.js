// The sign-in page: say why it is shown, and fill in a demo user on a click.
const query = new URLSearchParams(location.search);
document.getElementById('failed').hidden = !query.has('error');
document.getElementById('signed-out').hidden = !query.has('logout');

for (const button of document.querySelectorAll('[data-user]')) {
	button.addEventListener('click', () => {
		document.getElementById('username').value = button.dataset.user;
		document.getElementById('password').value = 'password';
		document.querySelector('form').requestSubmit();
	});
}
