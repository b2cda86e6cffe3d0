#!/usr/bin/env bash
# Makes the test CA and a node and a client certificate signed by it in
# directory $1 (for the transcripts run through `strata serve`).
set -euo pipefail
dir=$1
mkdir -p "$dir"
cd "$dir"
openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 2 \
  -subj /CN=strata-cli-test-ca 2>/dev/null
for name in server client; do
  openssl req -newkey rsa:2048 -nodes -keyout $name.key -out $name.csr \
    -subj /CN=strata-$name 2>/dev/null
  openssl x509 -req -in $name.csr -CA ca.pem -CAkey ca.key -CAcreateserial \
    -out $name.pem -days 2 2>/dev/null
done
