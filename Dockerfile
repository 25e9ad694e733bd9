# syntax=docker/dockerfile:1

# The build stage is the runtime's own Debian release with Debian's own Python
# (bookworm: 3.11), so the venv built here points at /usr/bin/python3.11, which
# the distroless runtime has, and every compiled wheel matches its interpreter.
# tests/test_dockerfile.py checks the two stages agree.
FROM debian:12-slim AS build

RUN apt-get update \
    && apt-get install --no-install-recommends --yes python3-venv \
    && rm -rf /var/lib/apt/lists/*

# The build tool has its own venv so it never reaches the image.
RUN python3 -m venv /venv/build \
    && /venv/build/bin/pip install --no-cache-dir build

WORKDIR /src
COPY pyproject.toml README.md ./
COPY function function
RUN /venv/build/bin/python -m build --wheel --outdir /dist \
    && python3 -m venv /venv/fn \
    && /venv/fn/bin/pip install --no-cache-dir /dist/*.whl

FROM gcr.io/distroless/python3-debian12:nonroot AS image
COPY --from=build /venv/fn /venv/fn
USER nonroot:nonroot
EXPOSE 9443
ENTRYPOINT ["/venv/fn/bin/function", "serve"]
