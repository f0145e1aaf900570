// Local font stacks (nothing is fetched): a Latin face first, for Latin letters, digits and
// the punctuation both scripts share, then Noto Sans CJK SC for Chinese. A CJK face first
// would draw shared punctuation such as ’ full width ("Hua’ an"); the browser (and a canvas)
// falls through the list per glyph, so Chinese still comes from the CJK face.
// client/app/theme.css repeats these lists (CSS cannot import them); tests/e2e checks both.
export const LATIN_FONTS = ['Noto Sans', 'Helvetica Neue', 'Arial', 'Liberation Sans', 'DejaVu Sans'];
export const CJK_FONTS = ['Noto Sans CJK SC', 'Noto Sans SC', 'Source Han Sans SC', 'PingFang SC', 'Microsoft YaHei'];

const quoted = (families: string[]) => families.map((f) => `"${f}"`).join(', ');

/** The font-family of map labels (deck.gl text layers draw them on a canvas). */
export const LABEL_FONT = `${quoted(LATIN_FONTS)}, ${quoted(CJK_FONTS)}, sans-serif`;
