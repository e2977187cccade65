// Paying at the configured gateway, in its own checkout: the sandbox's hosted page, Razorpay's Checkout, or Stripe's
// Payment Element. Every one ends on the booking's page with the gateway's answer in the address, where it is
// verified with the service (which asks the gateway itself before confirming anything).

import { postJson } from './api.js';
import { money } from './format.js';

/** The gateways' own scripts; they are served by the gateways (never copied here), as their terms require. */
const scripts = {
  razorpay: 'https://checkout.razorpay.com/v1/checkout.js',
  stripe: 'https://js.stripe.com/v3/',
};

const loading = new Map();

function load(src) {
  if (!loading.has(src)) {
    loading.set(src, new Promise((resolve, reject) => {
      const script = document.createElement('script');
      script.src = src;
      script.async = true;
      script.addEventListener('load', resolve);
      script.addEventListener('error', () => {
        loading.delete(src);
        reject(new Error('The payment page could not be loaded. Check your connection and try again.'));
      });
      document.head.append(script);
    }));
  }
  return loading.get(src);
}

/** Where the gateway sends the person back to: the booking's own page. */
export function returnPath(bookingId) {
  return `/bookings/${bookingId}`;
}

/**
 * Starts a payment of the booking and opens the gateway's checkout: the sandbox's page and Razorpay's window take
 * over, Stripe's card form is drawn into `container`. `onClosed` runs when the person closes Razorpay's window
 * without paying.
 */
export async function pay(booking, container, { onClosed } = {}) {
  const payment = await postJson(`/api/bookings/${booking.id}/payments`, undefined, { auth: true });
  const back = returnPath(booking.id);
  switch (payment.gateway) {
    case 'razorpay': {
      await load(scripts.razorpay);
      const checkout = new window.Razorpay({
        key: payment.checkout.keyId,
        order_id: payment.orderId,
        amount: payment.amount,
        currency: payment.currency,
        name: 'Movie tickets',
        description: `Seats ${booking.seats.join(', ')}`,
        handler: answer => location.assign(`${back}?${new URLSearchParams({
          orderId: answer.razorpay_order_id,
          paymentId: answer.razorpay_payment_id,
          signature: answer.razorpay_signature,
        })}`),
        modal: { ondismiss: () => onClosed?.() },
      });
      checkout.open();
      return;
    }
    case 'stripe': {
      await load(scripts.stripe);
      const stripe = window.Stripe(payment.checkout.publishableKey);
      const elements = stripe.elements({ clientSecret: payment.checkout.clientSecret });
      container.innerHTML = `
        <form class="checkout" id="card-form">
          <div id="payment-element"></div>
          <button type="submit" class="primary">Pay ${money(payment.amount, payment.currency)}</button>
          <p id="card-error" class="error" role="alert"></p>
        </form>`;
      elements.create('payment').mount('#payment-element');
      container.querySelector('#card-form').addEventListener('submit', async event => {
        event.preventDefault();
        const { error } = await stripe.confirmPayment({ elements, confirmParams: { return_url: new URL(back, location.origin).href } });
        container.querySelector('#card-error').textContent = error?.message ?? '';
      });
      return;
    }
    default:
      location.assign(`${payment.checkout.checkoutPage}?${new URLSearchParams({ returnUrl: back })}`);
  }
}

/**
 * The gateway's answer in the address the checkout came back to: `{ verify }` with what to send to
 * `/api/payments/verify`, `{ failed: true }` for a declined payment, or null when there is none.
 */
export function answerIn(search) {
  const query = new URLSearchParams(search);
  const intent = query.get('payment_intent');
  if (intent) {
    // Stripe: the intent is both the order and the payment; its client secret is what the browser holds of it.
    return query.get('redirect_status') === 'failed'
      ? { failed: true }
      : { verify: { orderId: intent, paymentId: intent, signature: query.get('payment_intent_client_secret') ?? intent } };
  }
  if (query.get('status') === 'failed') return { failed: true };
  const [orderId, paymentId, signature] = ['orderId', 'paymentId', 'signature'].map(name => query.get(name));
  return orderId && paymentId && signature ? { verify: { orderId, paymentId, signature } } : null;
}
