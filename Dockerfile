FROM python:3.11-slim
WORKDIR /srv/flipchart
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
COPY pyproject.toml README.md ./
COPY app ./app
COPY web ./web
RUN pip install --no-cache-dir -e . && useradd --system flipchart && mkdir -p data \
    && chown flipchart data
USER flipchart
EXPOSE 8000
HEALTHCHECK --interval=10s --timeout=3s CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz')"
CMD ["flipchart", "serve", "--host", "0.0.0.0", "--port", "8000"]
