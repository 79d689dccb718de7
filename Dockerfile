# The nieuwkomers app for a class: runtime dependencies only (no test tools), served by Solara in
# production mode, offline (the JavaScript comes with the solara-assets package, no CDN).
#   docker build -t nieuwkomers .
#   docker run --rm -p 8765:8765 nieuwkomers          # one process: about one core's worth of users
#   docker compose up --build -d                      # several processes behind nginx (compose.yaml)
# See docs/app.md, "Hosting a class".
FROM python:3.12-slim

# The server's ceiling (docs/app.md, "Limits of one server"): at most NIEUWKOMERS_MAX_USERS sessions,
# a session closed 30 s after its last tab went, memory handed back on the C library's allocator.
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    MPLCONFIGDIR=/tmp/matplotlib \
    SOLARA_TELEMETRY_MIXPANEL_ENABLE=False \
    SOLARA_KERNEL_CULL_TIMEOUT=30s \
    NIEUWKOMERS_MAX_USERS=32 \
    PYTHONMALLOC=malloc \
    GLIBC_TUNABLES=glibc.malloc.tcache_count=0:glibc.malloc.arena_max=2

WORKDIR /src
COPY pyproject.toml README.md ./
COPY model ./model
COPY agents ./agents
COPY experiments ./experiments
COPY viz ./viz
RUN pip install . && rm -rf /src && useradd --create-home --uid 1000 nieuwkomers

USER nieuwkomers
WORKDIR /home/nieuwkomers
EXPOSE 8765
# The status page answers without taking one of the sessions (the app page would hold one for 30 s).
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s \
    CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8765/_nieuwkomers/sessions', timeout=4)"
# 0.0.0.0 inside the container; who can reach it is decided by the published port (docs/app.md).
CMD ["nieuwkomers", "app", "--host", "0.0.0.0", "--port", "8765", "--no-open"]
