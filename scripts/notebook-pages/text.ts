// Terminal text in stream outputs and tracebacks, shown as the Jupyter front end shows it.

/** Removes ANSI escape sequences (colours, cursor moves, OSC titles). */
export function stripAnsi(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)/g, '').replace(/[\u001b\u009b][[()#;?]*(?:\d{1,4}(?:;\d{0,4})*)?[0-9A-ORZcf-nqry=><~]/g, '');
}

/** Terminal semantics for progress output: within a line, text after a \r overwrites what came before. */
export function applyCarriageReturns(s: string): string {
  return s
    .replace(/\r\n/g, '\n')
    .split('\n')
    .map((line) => {
      if (!line.includes('\r')) return line;
      let out = '';
      for (const part of line.split('\r')) out = part + out.slice(part.length);
      return out;
    })
    .join('\n');
}

/** Stream text as a terminal would leave it. */
export const terminalText = (s: string): string => applyCarriageReturns(stripAnsi(s));
