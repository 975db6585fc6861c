#!/bin/bash
# build-repo.sh OUT_DIR -- build the stand-in iscsi-initiator-utils rpm (rpmbuild) and a yum
# repository holding it (createrepo_c) in OUT_DIR, from the files next to this script.
# Runs on the machine that builds the fleet image (tools from scripts/setup.sh: rpm,
# createrepo-c) or in the rpm-repo stage of test/fleet/docker/Dockerfile.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
OUT=${1:?usage: build-repo.sh OUT_DIR}
for t in rpmbuild createrepo_c; do
  command -v "$t" >/dev/null || { echo "build-repo.sh: $t missing (apt-get install -y rpm createrepo-c)" >&2; exit 1; }
done
top=$(mktemp -d)
trap 'rm -rf "$top"' EXIT
mkdir -p "$top/SOURCES" "$OUT"
cp "$HERE"/iscsiadm "$HERE"/iscsi-iname "$HERE"/iscsid "$HERE"/iscsid.service "$HERE"/iscsid.conf "$HERE"/README.kremedy "$top/SOURCES/"
# A fixed build time and host: the same sources give the same package.
SOURCE_DATE_EPOCH=$(git -C "$HERE" log -1 --format=%ct -- . 2>/dev/null || true)
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-1700000000}
rpmbuild -bb --quiet --define "_topdir $top" --define '_buildhost kremedy-fleet' \
  --define 'use_source_date_epoch_as_buildtime 1' --define '_binary_payload w9.gzdio' \
  "$HERE/iscsi-initiator-utils.spec"
rpmbuild -bb --quiet --define "_topdir $top" --define '_buildhost kremedy-fleet' \
  --define 'use_source_date_epoch_as_buildtime 1' --define '_binary_payload w9.gzdio' \
  "$HERE/kremedy-fleet-system.spec"
find "$top/RPMS" -name '*.rpm' -exec cp {} "$OUT/" \;
createrepo_c --quiet "$OUT"
ls "$OUT"
