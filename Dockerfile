# cpsgate as a container, for GitLab CI, Jenkins and the docker_image
# pre-commit hook: a static cpsgate (built as .goreleaser.yaml builds it)
# and git, run as a non-root user.
#
#   docker build --build-arg VERSION=v1.2.3 --build-arg COMMIT=$(git rev-parse HEAD) -t cpsgate .
#   docker run --rm -v "$PWD:/repo" -w /repo cpsgate check --base origin/main
#
# The Go version is the toolchain line of go.mod (internal/version's tests
# check that they agree).

FROM golang:1.26.8-trixie AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download && go mod verify
COPY . .
ARG VERSION=dev
ARG COMMIT=
ARG DATE=
RUN CGO_ENABLED=0 GOTOOLCHAIN=local go build -trimpath \
      -ldflags "-s -w -X github.com/cpsgate/cpsgate/internal/version.version=${VERSION} -X github.com/cpsgate/cpsgate/internal/version.commit=${COMMIT} -X github.com/cpsgate/cpsgate/internal/version.date=${DATE}" \
      -o /out/cpsgate ./cmd/cpsgate \
 && /out/cpsgate version

FROM debian:trixie-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends git ca-certificates \
 && rm -rf /var/lib/apt/lists/*
# A repository mounted into the container belongs to another user than the
# one cpsgate runs as (the image's user, or the -u of pre-commit, GitLab or
# Jenkins), and git refuses to read it ("dubious ownership"). The image
# exists to read the one repository it is given, at a path it cannot know
# in advance (/src for pre-commit, /builds/... for GitLab, the workspace for
# Jenkins), so it trusts any path. Git runs no hook and no fsmonitor for
# cpsgate's reads; a narrower image can replace '*' with the mount path.
RUN git config --system safe.directory '*'
RUN useradd --uid 10001 --user-group --create-home --shell /usr/sbin/nologin cpsgate
COPY --from=build /out/cpsgate /usr/local/bin/cpsgate
USER 10001:10001
WORKDIR /repo
ENTRYPOINT ["cpsgate"]
CMD ["--help"]
