# Build: the bundled SQLite and libpq need only a C compiler and libssl headers.
FROM rust:1-bookworm AS build
WORKDIR /src
# The dependencies first, built against a stub crate: this layer is kept until Cargo.toml
# or Cargo.lock change, so a change to the source rebuilds thidua alone, not its ~400
# dependencies. (cargo-chef does this for workspaces, at the price of one more tool to
# install or image to trust; one crate needs no more than a stub.)
COPY Cargo.toml Cargo.lock build.rs ./
RUN mkdir src && echo 'fn main() {}' > src/main.rs && touch src/lib.rs \
    && cargo build --release --locked \
    && rm -rf src
COPY . .
# COPY keeps the files' times, older than the stub's build: touched, so cargo builds the
# real crate instead of keeping the stub.
RUN touch build.rs src/main.rs src/lib.rs \
    && cargo build --release --locked \
    && strip target/release/thidua

FROM debian:bookworm-slim
# The data directory is made here, owned by thidua and private, before it is declared a
# volume: a new named volume starts as a copy of it, owner included. Without it the volume
# was root's, and the non-root server could not write its database or secret.
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates libssl3 \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --home-dir /var/lib/thidua --create-home thidua \
    && install -d -o thidua -g thidua -m 0700 /var/lib/thidua/data
COPY --from=build /src/target/release/thidua /usr/local/bin/thidua
VOLUME /var/lib/thidua/data
USER thidua
WORKDIR /var/lib/thidua
ENV THIDUA_BIND=0.0.0.0:8080 THIDUA_DATA_DIR=/var/lib/thidua/data
EXPOSE 8080
# The slim image has no curl: the binary asks its own /healthz (on THIDUA_BIND).
HEALTHCHECK --interval=10s --timeout=5s --start-period=60s --retries=3 \
    CMD ["thidua", "healthcheck"]
ENTRYPOINT ["thidua"]
CMD ["serve"]
