// What the lab puts on `window` while it is shown: its numbers, for the browser tests and for
// readers who open the console. Types only.
import type { LabConfig } from './config';
import type { GanViews, LabHistory, VaeViews } from './session';

export interface LabHook {
  config: () => LabConfig;
  history: () => LabHistory;
  views: () => GanViews | VaeViews | undefined;
  weights: () => Record<string, number[][]>;
}

declare global {
  interface Window {
    __genlabLab?: LabHook;
  }
}
