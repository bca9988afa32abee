/**
 * What the fixture image busybox:latest holds. Layer contents are deliberate: each thing an
 * engine can get wrong when applying layers appears once, at a path named here.
 */
/** Paths inside the fixture image (busybox:latest) and what each one is. */
export const imageFiles = {
  /** layer 2: a regular file, "hello\n", the target of `hardlink` and `symlink` */
  file: '/data/file.txt',
  hardlink: '/data/hardlink',
  /** → `file.txt` (relative) */
  symlink: '/data/symlink',
  /** → `/etc/passwd` (absolute: must resolve inside the rootfs) */
  absSymlink: '/data/abs-symlink',
  /** character device 1:3 */
  charDevice: '/data/null-device',
  /** xattr user.skiff=yes */
  xattrFile: '/data/xattr-file',
  /** mode 04755 */
  setuidFile: '/data/setuid-file',
  /** owned 1000:1000, mode 0640 */
  appOwned: '/data/app-owned',
  /** a 150-character file name */
  longName: `/data/${'long-name-'.padEnd(150, 'x')}`,
  /** in layer 2, removed by a `.wh.deleted` whiteout in layer 3 */
  deleted: '/data/deleted',
  /** a, b in layer 2; layer 3 (umoci) whites out a and b and adds `new` */
  replacedDir: '/data/replaced-dir',
  /** a, b in layer 2; layer 4 marks it opaque (`.wh..wh..opq`) and adds `fresh` */
  opaqueDir: '/data/opaque-dir',
  /** only in localhost/second:latest's extra layer: "second\n" */
  secondOnly: '/second.txt',
} as const;

/** The image config umoci writes for busybox:latest. */
export const imageConfig = {
  cmd: ['sh'],
  env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'SKIFF_FIXTURE=busybox'],
  labels: { 'org.skiff.fixture': 'busybox' },
  workingDir: '/data',
  layers: 4,
} as const;

/** Names the fixture images carry in each format. */
export const imageNames = {
  /** the ref name (org.opencontainers.image.ref.name) in the OCI layout and the oci-archive */
  ociRef: 'busybox:latest',
  /** the name in the docker-archives */
  docker: 'localhost/busybox:latest',
  /** the second image of the two-image docker-archive: busybox plus one layer */
  second: 'localhost/second:latest',
} as const;
