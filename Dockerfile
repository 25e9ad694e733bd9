# syntax=docker/dockerfile:1

# The build stage is the runtime's own Debian release with Debian's own Python
# (trixie: 3.13), so the venv built here points at /usr/bin/python3, which the
# distroless runtime has, and every compiled wheel matches its interpreter.
# tests/test_dockerfile.py checks the two stages agree.
FROM debian:13-slim AS build

RUN apt-get update \
    && apt-get install --no-install-recommends --yes python3-venv \
    && rm -rf /var/lib/apt/lists/*

# Everything pip installs is pinned with hashes (make lock): the same sources give
# the same packages, and a changed or substituted file fails the build.
WORKDIR /src
COPY requirements requirements

# The build tools have their own venv so they never reach the image.
RUN python3 -m venv /venv/build \
    && /venv/build/bin/pip install --no-cache-dir --require-hashes -r requirements/build.txt

COPY pyproject.toml README.md LICENSE ./
COPY function function
RUN /venv/build/bin/python -m build --wheel --no-isolation --outdir /dist \
    && python3 -m venv /venv/fn \
    && /venv/fn/bin/pip install --no-cache-dir --require-hashes -r requirements/runtime.txt \
    && /venv/fn/bin/pip install --no-cache-dir --no-deps --no-index /dist/*.whl

FROM gcr.io/distroless/python3-debian13:nonroot AS image
COPY --from=build /venv/fn /venv/fn
USER nonroot:nonroot
EXPOSE 9443
ENTRYPOINT ["/venv/fn/bin/function", "serve"]
