// Reading one pixel makes a GL context finish its queued work (SwiftShader draws lazily), so a
// timed redraw measures drawing, not just issuing commands.
export function finishGl(canvas: HTMLCanvasElement | null): void {
  const gl = canvas?.getContext('webgl2');
  gl?.readPixels(0, 0, 1, 1, gl.RGBA, gl.UNSIGNED_BYTE, new Uint8Array(4));
}
