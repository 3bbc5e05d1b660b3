/** The 3-D Secure challenge page the buyer's browser is sent to (requires_action's redirect URL). */

const escape = (s: string) =>
  s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );

export function challengePage(input: {
  intentId: string;
  secret: string;
  amount: number;
  currency: string;
  last4: string;
  status: string;
}): string {
  const amount = `${(input.amount / 100).toFixed(2)} ${input.currency.toUpperCase()}`;
  const action = (what: string) => `/3ds/${encodeURIComponent(input.intentId)}/${what}`;
  const decided = input.status !== 'requires_action';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>3-D Secure authentication</title>
<style>body{font-family:system-ui,sans-serif;max-width:28rem;margin:4rem auto;padding:0 1rem}
button{font-size:1rem;padding:.6rem 1.2rem;margin-right:.5rem}</style></head>
<body>
<h1>Authenticate your payment</h1>
<p>PSP simulator (test mode). Your bank asks you to confirm a payment of <strong>${escape(amount)}</strong>
with the card ending in <strong>${escape(input.last4)}</strong>.</p>
${
  decided
    ? `<p id="status">This payment is already ${escape(input.status)}.</p>`
    : `<form method="post" action="${action('approve')}" style="display:inline">
<input type="hidden" name="secret" value="${escape(input.secret)}"><button id="approve" type="submit">Complete authentication</button></form>
<form method="post" action="${action('reject')}" style="display:inline">
<input type="hidden" name="secret" value="${escape(input.secret)}"><button id="reject" type="submit">Fail authentication</button></form>`
}
</body></html>`;
}

export function challengeDonePage(status: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>3-D Secure</title></head>
<body><h1>Authentication finished</h1><p id="status">Payment status: ${escape(status)}. You may close this window.</p></body></html>`;
}
