// Sign in or register in a dialog, without leaving the page (a seat selection stays as it is).

import { signIn, register, ApiError } from './api.js';

const dialog = document.getElementById('signin');
const form = document.getElementById('signin-form');
const error = document.getElementById('signin-error');
const nameField = document.getElementById('name-field');
const modeButton = document.getElementById('signin-mode');
const submit = document.getElementById('signin-submit');
const title = document.getElementById('signin-title');
let registering = false;
let pending = null;

function setMode(isRegistering) {
  registering = isRegistering;
  nameField.hidden = !registering;
  form.elements.name.required = registering;
  form.elements.password.autocomplete = registering ? 'new-password' : 'current-password';
  title.textContent = registering ? 'Create an account' : 'Sign in';
  submit.textContent = registering ? 'Create account' : 'Sign in';
  modeButton.textContent = registering ? 'Have an account? Sign in' : 'New here? Create an account';
}

modeButton.addEventListener('click', () => setMode(!registering));
document.getElementById('signin-cancel').addEventListener('click', () => dialog.close('cancel'));
// The link goes to the reset page (the router follows it); the dialog gives way.
document.getElementById('signin-forgot').addEventListener('click', () => dialog.close('cancel'));

form.addEventListener('submit', async event => {
  event.preventDefault();
  error.hidden = true;
  const { email, password, name } = form.elements;
  submit.disabled = true;
  try {
    const user = registering
      ? await register(email.value, password.value, name.value)
      : await signIn(email.value, password.value);
    dialog.close('done');
    form.reset();
    pending?.resolve(user);
    pending = null;
  } catch (failure) {
    // A registration answers alike for new and taken addresses; a taken one then fails to sign in with this password.
    const taken = registering && failure instanceof ApiError && failure.status === 401;
    error.textContent = taken
      ? 'We could not sign you in. If this address already has an account, we have emailed its owner: sign in with your password, or reset it.'
      : failure instanceof ApiError ? failure.humanMessage : 'Could not sign in. Please try again.';
    error.hidden = false;
  } finally {
    submit.disabled = false;
  }
});

dialog.addEventListener('close', () => {
  if (dialog.returnValue !== 'done' && pending) {
    pending.reject(new Error('Sign-in cancelled'));
    pending = null;
  }
});

export function signInDialog() {
  setMode(false);
  error.hidden = true;
  return new Promise((resolve, reject) => {
    pending = { resolve, reject };
    dialog.returnValue = '';
    dialog.showModal();
    form.elements.email.focus();
  });
}
