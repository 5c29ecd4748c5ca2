# Build: the bundled SQLite and libpq need only a C compiler and libssl headers.
FROM rust:1-bookworm AS build
WORKDIR /src
COPY . .
RUN cargo build --release --locked && strip target/release/thidua

FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates libssl3 \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --home /var/lib/thidua --create-home thidua
COPY --from=build /src/target/release/thidua /usr/local/bin/thidua
USER thidua
WORKDIR /var/lib/thidua
ENV THIDUA_BIND=0.0.0.0:8080 THIDUA_DATA_DIR=/var/lib/thidua/data
EXPOSE 8080
ENTRYPOINT ["thidua"]
CMD ["serve"]
