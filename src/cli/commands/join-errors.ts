/**
 * Podman's errorhandling.JoinErrors: one error as it is, several as hashicorp/multierror
 * lists them (`2 errors occurred:` then a tab-indented `* message` per error).
 */
export function joinErrors(errors: readonly Error[]): string {
  if (errors.length === 1) return errors[0]!.message;
  return `${errors.length} errors occurred:\n${errors.map((e) => `\t* ${e.message}`).join('\n')}`;
}
