// What the lab puts on `window` while it is shown: its numbers, for the browser tests and for
// readers who open the console. Types only.
import type { LabConfig } from './config';
import type { LabViews } from './diffusion-session';
import type { LabHistory } from './session';

export interface LabHook {
  config: () => LabConfig;
  history: () => LabHistory;
  views: () => LabViews | undefined;
  weights: () => Record<string, number[][]>;
}

declare global {
  interface Window {
    __genlabLab?: LabHook;
  }
}
