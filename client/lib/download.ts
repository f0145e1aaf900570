// Files the page makes and hands to the browser to save (no round trip to the server).

/** Saves CSV lines as a file: CRLF line ends and a BOM, so spreadsheet programs read the Chinese names. */
export function downloadCsv(lines: readonly string[], filename: string): void {
  const a = document.createElement('a');
  a.href = URL.createObjectURL(new Blob([`\uFEFF${lines.join('\r\n')}\r\n`], { type: 'text/csv;charset=utf-8' }));
  a.download = filename;
  a.click();
  setTimeout(() => URL.revokeObjectURL(a.href), 1000);
}
