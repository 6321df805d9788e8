#!/bin/sh
# web: migrate, then serve with gunicorn; worker: background jobs + scheduler.
set -e
case "$1" in
  web)
    ckan db init
    exec gunicorn --bind 0.0.0.0:5000 --workers "${WEB_WORKERS:-2}" \
      --timeout 120 "ckan.config.middleware:make_app_from_ini()" ;;
  worker)
    exec ckan magetan worker ;;
  *)
    exec "$@" ;;
esac
