// Signature pad: records strokes as [[x, y], ...] in the pad's 600 x 200 coordinates and puts
// them, as JSON, in the hidden input named by data-signature-input. The server draws the SVG.
(() => {
  const pad = document.querySelector("canvas.signature-pad");
  if (!pad) return;
  const input = document.getElementById(pad.dataset.signatureInput);
  const ctx = pad.getContext("2d");
  const strokes = [];
  let current = null;
  ctx.lineWidth = 2.5; ctx.lineCap = "round"; ctx.lineJoin = "round"; ctx.strokeStyle = "#111";

  const point = (event) => {
    const box = pad.getBoundingClientRect();
    const x = ((event.clientX - box.left) / box.width) * pad.width;
    const y = ((event.clientY - box.top) / box.height) * pad.height;
    return [Math.min(pad.width, Math.max(0, Math.round(x * 10) / 10)),
            Math.min(pad.height, Math.max(0, Math.round(y * 10) / 10))];
  };
  const save = () => { input.value = JSON.stringify(strokes); };

  pad.addEventListener("pointerdown", (event) => {
    pad.setPointerCapture(event.pointerId);
    current = [point(event)];
    strokes.push(current);
    ctx.beginPath();
    ctx.moveTo(...current[0]);
  });
  pad.addEventListener("pointermove", (event) => {
    if (!current) return;
    const p = point(event);
    current.push(p);
    ctx.lineTo(...p);
    ctx.stroke();
  });
  const finish = () => { if (current) { current = null; save(); } };
  pad.addEventListener("pointerup", finish);
  pad.addEventListener("pointercancel", finish);

  document.querySelector("[data-clear-signature]")?.addEventListener("click", () => {
    strokes.length = 0;
    ctx.clearRect(0, 0, pad.width, pad.height);
    save();
  });
})();
