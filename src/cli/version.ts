/** skiff's own version; kept in step with package.json by a unit test. */
export const skiffVersion = '0.1.0';
/** the Podman API version skiff's output and REST API follow */
export const apiVersion = '4.3.1';
