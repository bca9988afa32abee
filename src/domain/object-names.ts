/**
 * Names of containers, volumes and networks, as libpod's NameRegex takes them: a letter or
 * digit, then letters, digits, `_`, `.` and `-`. Each kind words its refusal its own way.
 */
const objectName = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;

export function isValidObjectName(name: string): boolean {
  return objectName.test(name);
}
