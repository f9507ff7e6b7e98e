import { SingleBar } from 'cli-progress';
import type { BatchInfo, EpochSummary } from 'genlab';

export function formatLosses(losses: Record<string, number>): string {
  return Object.entries(losses)
    .map(([k, x]) => `${k} ${x.toFixed(4)}`)
    .join('  ');
}

/**
 * Training callbacks that draw one progress bar per epoch (batches, latest losses, ETA) on a
 * terminal and print one summary line per epoch everywhere (a CI log has no terminal).
 */
export function progressCallbacks(epochs: number): {
  onBatchEnd: (info: BatchInfo) => void;
  onEpochEnd: (summary: EpochSummary) => void;
  stop: () => void;
} {
  const bar = new SingleBar({
    format: 'epoch {epoch}/{epochs} [{bar}] {value}/{total} batches | {losses} | eta {eta_formatted}',
    hideCursor: true,
    etaBuffer: 50,
  });
  let barEpoch = 0;
  return {
    onBatchEnd: (info) => {
      if (info.epoch !== barEpoch) {
        if (barEpoch) bar.stop();
        barEpoch = info.epoch;
        bar.start(info.batches, 0, { epoch: info.epoch, epochs, losses: '…' });
      }
      bar.update(info.batch + 1, info.losses ? { losses: formatLosses(info.losses) } : {});
    },
    onEpochEnd: (s) => {
      bar.stop();
      barEpoch = 0;
      console.log(`epoch ${s.epoch}/${s.epochs}  ${formatLosses({ ...s.losses, ...s.metrics })}  (${s.seconds.toFixed(1)} s)`);
    },
    stop: () => bar.stop(),
  };
}
