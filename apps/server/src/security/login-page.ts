/** The sign-in page: plain HTML with no script, posting a form to /api/auth/login, so the editor needs no change. */
export function loginPage(error?: string): string {
  const message = error ? `<p class="error" role="alert">${escapeHtml(error)}</p>` : '';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sign in · LVCD Studio</title>
<style>
body { font: 16px system-ui, sans-serif; background: #1e1f22; color: #e8e8e8; display: grid; place-items: center; min-height: 100vh; margin: 0; }
form { background: #2b2d31; padding: 2rem; border-radius: 8px; display: grid; gap: .75rem; width: min(22rem, 90vw); }
input, button { font: inherit; padding: .5rem; border-radius: 4px; border: 1px solid #555; }
button { background: #4a7dff; color: white; border: 0; cursor: pointer; }
.error { color: #ff8080; margin: 0; }
small { color: #aaa; }
</style>
</head>
<body>
<form method="post" action="/api/auth/login">
<h1>LVCD Studio</h1>
${message}
<label for="secret">Access token or password</label>
<input id="secret" name="secret" type="password" autocomplete="current-password" required autofocus>
<button type="submit">Sign in</button>
<small>The token or password is the LVCD_AUTH_TOKEN or LVCD_PASSWORD the studio was started with.</small>
</form>
</body>
</html>
`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
