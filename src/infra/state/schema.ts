/**
 * Schema migrations, applied in order; `PRAGMA user_version` records how many ran.
 * Never edit a shipped migration: append a new one.
 */
export const migrations: string[] = [
  `
  CREATE TABLE layers (
    id TEXT PRIMARY KEY,            -- chain ID hex: one extracted copy per chain
    parent TEXT REFERENCES layers(id),
    diff_id TEXT NOT NULL,          -- sha256:… of the uncompressed tar
    compressed_digest TEXT,         -- the blob digest it came from, when known
    compressed_size INTEGER,
    uncompressed_size INTEGER NOT NULL,
    link TEXT NOT NULL UNIQUE,      -- short name under overlay/l/ (keeps mount options short)
    created INTEGER NOT NULL
  );
  CREATE INDEX layers_parent ON layers(parent);
  CREATE INDEX layers_diff_id ON layers(diff_id);

  CREATE TABLE images (
    id TEXT PRIMARY KEY,            -- config digest hex
    digest TEXT NOT NULL,           -- manifest digest
    manifest BLOB NOT NULL,
    manifest_type TEXT NOT NULL,
    config BLOB NOT NULL,
    top_layer TEXT REFERENCES layers(id),
    size INTEGER NOT NULL,
    created INTEGER NOT NULL,       -- when the image was written to this store (ms)
    names_history TEXT NOT NULL DEFAULT '[]'
  );
  CREATE INDEX images_top_layer ON images(top_layer);

  CREATE TABLE image_names (
    name TEXT PRIMARY KEY,
    image_id TEXT NOT NULL REFERENCES images(id) ON DELETE CASCADE,
    seq INTEGER NOT NULL
  );
  CREATE INDEX image_names_image ON image_names(image_id);

  CREATE TABLE image_digests (
    image_id TEXT NOT NULL REFERENCES images(id) ON DELETE CASCADE,
    digest TEXT NOT NULL,
    PRIMARY KEY (image_id, digest)
  );

  CREATE TABLE containers (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    image_id TEXT REFERENCES images(id),
    layer_id TEXT,                  -- the container's own rw layer dir name
    created INTEGER NOT NULL,
    config TEXT NOT NULL,           -- JSON: how it was created
    state TEXT NOT NULL             -- JSON: the live state
  );
  CREATE INDEX containers_image ON containers(image_id);

  CREATE TABLE volumes (
    name TEXT PRIMARY KEY,
    created INTEGER NOT NULL,
    config TEXT NOT NULL
  );

  CREATE TABLE mounts (
    kind TEXT NOT NULL,             -- 'image' or 'container'
    id TEXT NOT NULL,
    path TEXT NOT NULL,
    count INTEGER NOT NULL,
    PRIMARY KEY (kind, id)
  );
  `,
  `
  CREATE TABLE network_allocations (
    network TEXT NOT NULL,          -- network name
    ip TEXT NOT NULL,
    container_id TEXT NOT NULL,
    PRIMARY KEY (network, ip)
  );
  CREATE INDEX network_allocations_container ON network_allocations(container_id);
  `,
  `
  -- containers/image's blob info cache: which blobs hold a layer, and where they are known to be.
  CREATE TABLE blob_info (
    digest TEXT PRIMARY KEY,        -- the blob as a registry stores it
    diff_id TEXT NOT NULL,          -- the digest of its uncompressed tar
    compression TEXT NOT NULL,      -- 'gzip', 'zstd' or 'none'
    size INTEGER                    -- bytes of the blob, when known
  );
  CREATE INDEX blob_info_diff_id ON blob_info(diff_id);

  CREATE TABLE blob_locations (
    digest TEXT NOT NULL,           -- a layer or config blob
    registry TEXT NOT NULL,         -- host[:port]
    repository TEXT NOT NULL,       -- the repository's path in that registry
    seen INTEGER NOT NULL,          -- when it was last known there (ms)
    PRIMARY KEY (digest, registry, repository)
  );
  `,
  `
  -- Host id ranges held by containers with their own user namespace (--uidmap, --userns=auto,
  -- keep-id, nomap), so --userns=auto hands out free ones. A row whose container does not
  -- exist is an allocation in progress while owner_pid lives, else stale.
  CREATE TABLE userns_ranges (
    container_id TEXT NOT NULL,
    kind TEXT NOT NULL,             -- 'uid' or 'gid'
    host_start INTEGER NOT NULL,
    size INTEGER NOT NULL,
    owner_pid INTEGER NOT NULL
  );
  CREATE INDEX userns_ranges_container ON userns_ranges(container_id);
  `,
  `
  -- podman secret: a named blob of data (the file driver's content) containers get with --secret.
  CREATE TABLE secrets (
    id TEXT PRIMARY KEY,            -- 25 hex digits, as Podman makes them
    name TEXT NOT NULL UNIQUE,
    created TEXT NOT NULL,          -- RFC 3339 with nanoseconds
    labels TEXT NOT NULL,           -- JSON object
    data BLOB NOT NULL
  );
  `,
];
