#!/usr/bin/env bash
# Install what the autograding sandbox (graders/sandbox.py, docs/sandbox.md) needs and check that
# it works here: bubblewrap (apt), prlimit and setpriv (util-linux, always on Debian/Ubuntu).
# Idempotent: installs nothing when bwrap is already there.
set -euo pipefail

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

if ! command -v bwrap >/dev/null; then
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq bubblewrap
fi
for tool in prlimit setpriv; do
    command -v "$tool" >/dev/null || { echo "setup-sandbox: $tool (util-linux) is missing" >&2; exit 1; }
done

# The grader runs bwrap as root (namespaces without a user namespace) or, as an ordinary user,
# inside an unprivileged user namespace: try the same here.
userns=()
[ "$(id -u)" -eq 0 ] || userns=(--unshare-user)
if ! bwrap --ro-bind / / --dev /dev --proc /proc --unshare-pid --unshare-net "${userns[@]}" --die-with-parent true; then
    echo "setup-sandbox: bubblewrap cannot create namespaces here (unprivileged user namespaces" \
         "disabled? see docs/sandbox.md); autograding will refuse to run" >&2
    exit 1
fi
echo "setup-sandbox: bubblewrap $(bwrap --version | cut -d' ' -f2) works"
