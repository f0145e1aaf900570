/** A problem the operator can fix (bad configuration, missing service): printed as one line, no stack. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}
