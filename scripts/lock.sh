#!/usr/bin/env bash
# make lock: pin, with hashes, what the image installs (requirements/runtime.txt, from
# pyproject.toml) and what builds its wheel (requirements/build.txt, from build.in), for
# every Python the project supports; then check that every pinned package has a wheel
# for both Pythons the project is tested and shipped on (3.11, and the image's 3.13),
# on both architectures the image is built for, so no image build compiles anything.
# Usage: scripts/lock.sh VENV_BIN (a venv with pip; uv is installed into it).
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-.venv/bin}
"$bin/pip" install --quiet 'uv==0.13.9'

compile() { # OUTPUT SOURCE
    "$bin/uv" pip compile --quiet --universal --python-version 3.11 --generate-hashes \
        --no-emit-package pip --no-emit-package setuptools -o "$1" "$2"
}
compile requirements/runtime.txt pyproject.toml
compile requirements/build.txt requirements/build.in

platforms() { # ARCH: every manylinux tag up to the glibc of Debian 12 (2.36; Debian 13 has 2.41)
    for tag in manylinux2014 manylinux_2_17 manylinux_2_24 manylinux_2_27 manylinux_2_28 \
        manylinux_2_31 manylinux_2_34 manylinux_2_35 manylinux_2_36; do
        printf -- '--platform %s_%s ' "$tag" "$1"
    done
}
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
for python in 3.11 3.13; do
    for arch in x86_64 aarch64; do
        for lock in requirements/runtime.txt requirements/build.txt; do
            # shellcheck disable=SC2046 # one --platform word per tag
            "$bin/pip" download --quiet --no-deps --only-binary=:all: --implementation cp \
                --python-version "$python" $(platforms "$arch") --require-hashes \
                -r "$lock" -d "$scratch/$python-$arch" \
                || { echo "$lock: no wheel for CPython $python on $arch" >&2; exit 1; }
        done
        echo "CPython $python $arch: a wheel for every pinned package"
    done
done
