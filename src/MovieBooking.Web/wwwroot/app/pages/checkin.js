// The door: a theatre owner or admin scans a ticket with the camera (where the browser offers BarcodeDetector) or
// pastes its code, and sees the answer in large type.

import { postJson, ApiError } from '../api.js';
import { escape, time } from '../format.js';

export async function render(main, { app }) {
  if (!await app.signedInFor(main, 'Check-in', 'Sign in as the theatre\'s owner to admit tickets.')) return;

  main.innerHTML = `
    <h1>Check-in</h1>
    <form id="scan" class="scan">
      <label>Ticket code <textarea name="qr" rows="3" required></textarea></label>
      <div class="actions"><button type="submit" class="primary">Admit</button> <button type="button" id="camera" hidden>Scan with camera</button></div>
    </form>
    <video id="preview" class="preview" hidden muted playsinline></video>
    <p id="verdict" class="verdict" role="status" aria-live="assertive"></p>`;
  const form = main.querySelector('#scan');
  const verdict = main.querySelector('#verdict');
  const camera = main.querySelector('#camera');
  const preview = main.querySelector('#preview');
  let video = null;

  async function admit(qr) {
    verdict.className = 'verdict';
    try {
      const admitted = await postJson('/api/checkins', { qr }, { auth: true });
      verdict.classList.add('ok');
      verdict.textContent = `Admitted: seats ${admitted.seats.join(', ')}`;
    } catch (error) {
      verdict.classList.add('refused');
      if (!(error instanceof ApiError)) throw error;
      const problem = error.problem;
      verdict.textContent = problem.admittedAt ? `Already admitted at ${time(problem.admittedAt)}`
        : error.status === 403 ? 'Not valid for this theatre'
        : error.status === 400 || error.status === 404 ? 'Not a valid ticket'
        : problem.opensAt ? `${problem.title}: doors open at ${time(problem.opensAt)}`
        : error.status === 409 ? 'Cancelled: this ticket does not admit'
        : error.humanMessage;
    }
    app.announce(verdict.textContent);
  }

  form.addEventListener('submit', event => {
    event.preventDefault();
    admit(form.elements.qr.value.trim());
  });

  if ('BarcodeDetector' in window && navigator.mediaDevices?.getUserMedia) {
    camera.hidden = false;
    camera.addEventListener('click', async () => {
      const detector = new window.BarcodeDetector({ formats: ['qr_code'] });
      video = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' } });
      preview.srcObject = video;
      preview.hidden = false;
      await preview.play();
      const look = async () => {
        if (!video) return;
        const [code] = await detector.detect(preview);
        if (code) {
          await admit(code.rawValue);
          setTimeout(look, 2000);
        } else {
          requestAnimationFrame(look);
        }
      };
      look();
    });
  }

  return { leave() { video?.getTracks().forEach(track => track.stop()); video = null; } };
}
