// Canvas drawing for the lab's diffusion views, with the plane of draw.ts. Plain functions of numbers.
import { clear, COLORS, drawAxes, drawLines, drawPoints, drawPosteriors, PALETTE, toPx, toPy } from './draw';

/** The reverse process: data (grey), samples (purple), and each trajectory from x_T (open circle) to its sample (dot). */
export function drawTrajectories(ctx: CanvasRenderingContext2D, data: ArrayLike<number>, samples: ArrayLike<number>, trajectories: Float32Array[]): void {
  clear(ctx);
  drawAxes(ctx);
  drawPoints(ctx, data, 'rgba(0,0,0,0.3)', 1.6);
  drawPoints(ctx, samples, COLORS.fake, 1.6);
  trajectories.forEach((line, i) => {
    const color = PALETTE[i % PALETTE.length];
    drawLines(ctx, [line], color);
    ctx.lineWidth = 1.5;
    const end = line.length - 2;
    ctx.beginPath();
    ctx.arc(toPx(line[0]), toPy(line[1]), 4, 0, 2 * Math.PI);
    ctx.stroke();
    ctx.fillStyle = color;
    ctx.beginPath();
    ctx.arc(toPx(line[end]), toPy(line[end + 1]), 4, 0, 2 * Math.PI);
    ctx.fill();
  });
}

/** The forward process at one step: the noised points over the 1σ and 2σ circles of N(0, I), with ᾱ_t written in a corner. */
export function drawForward(ctx: CanvasRenderingContext2D, points: ArrayLike<number>, alphaBar: number): void {
  clear(ctx);
  drawAxes(ctx);
  drawPosteriors(ctx, [], [], 2, PALETTE);
  drawPoints(ctx, points, COLORS.fake, 1.6);
  ctx.font = '13px sans-serif';
  ctx.fillStyle = '#222';
  ctx.fillText(`ᾱ_t = ${alphaBar.toFixed(3)}   √ᾱ_t = ${Math.sqrt(alphaBar).toFixed(3)}   √(1 − ᾱ_t) = ${Math.sqrt(1 - alphaBar).toFixed(3)}`, 8, 18);
}
