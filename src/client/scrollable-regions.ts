// Client module: a region that scrolls (a display formula or a table wider than the column) can be
// scrolled by keyboard (WCAG 2.1.1). Each one that overflows now gets tabindex=0 so it takes focus
// and the arrow keys scroll it, as Docusaurus does for code blocks; one that fits loses it again,
// so a page of short formulas adds no tab stops. Checked after each route change, resize and
// change to the page (pages such as the lab draw their content after loading) and once the web fonts
// have loaded, at most every 250 ms.
import type { ClientModule } from '@docusaurus/types';

const REGIONS = '.katex-display, .markdown table';
const MARK = 'data-scroll-focus';

function scrolls(el: HTMLElement): boolean {
  const style = getComputedStyle(el);
  const x = /auto|scroll/.test(style.overflowX) && el.scrollWidth > el.clientWidth + 1;
  const y = /auto|scroll/.test(style.overflowY) && el.scrollHeight > el.clientHeight + 1;
  return x || y;
}

function update(): void {
  for (const el of Array.from(document.querySelectorAll<HTMLElement>(REGIONS))) {
    if (scrolls(el)) {
      if (!el.hasAttribute('tabindex')) {
        el.tabIndex = 0;
        el.setAttribute(MARK, '');
      }
    } else if (el.hasAttribute(MARK)) {
      el.removeAttribute('tabindex');
      el.removeAttribute(MARK);
    }
  }
}

let pending = false;
function schedule(): void {
  if (pending) return;
  pending = true;
  window.setTimeout(() => {
    pending = false;
    update();
  }, 250);
}

let observing = false;
const module: ClientModule = {
  onRouteDidUpdate() {
    update();
    if (observing) return;
    observing = true;
    window.addEventListener('resize', schedule);
    // Web fonts (KaTeX's among them) widen formulas and tables after the first check without changing the DOM.
    document.fonts.addEventListener('loadingdone', schedule);
    window.addEventListener('load', schedule);
    // Only added and removed nodes: the lab's running text and attributes change many times a second.
    new MutationObserver(schedule).observe(document.body, { childList: true, subtree: true });
  },
};
export default module;
