// Emailed links carry their token in the fragment (#token=…): read it once, then drop it from the address bar and
// the history, so it is not left behind on the device.

export function takeLinkToken() {
  const token = new URLSearchParams(location.hash.slice(1)).get('token');
  if (location.hash) history.replaceState(history.state, '', location.pathname + location.search);
  return token;
}
