// Masking of reporters' personal data (docs/domain-notes.md: caller phone numbers are personal
// information). Pure; the same rule for every answer that shows a reporter.

/** 13812345678 → 138****5678; other lengths keep their first 3 and last 4 digits where they can. */
export function maskPhone(phone: string | null): string | null {
  if (phone === null) return null;
  const digits = phone.replace(/\D/g, '');
  if (digits.length <= 4) return '*'.repeat(digits.length);
  if (digits.length < 8) return `${'*'.repeat(digits.length - 2)}${digits.slice(-2)}`;
  return `${digits.slice(0, 3)}${'*'.repeat(digits.length - 7)}${digits.slice(-4)}`;
}

/** 张三 → 张*, 欧阳娜娜 → 欧***: the family name's first character stays. */
export function maskName(name: string | null): string | null {
  if (name === null) return null;
  const chars = [...name.trim()];
  if (chars.length === 0) return '';
  return chars[0] + '*'.repeat(Math.max(1, chars.length - 1));
}
