#!/usr/bin/env bash
# Makes a CA, and a node and a client certificate signed by it, in
# directory $1 (ca.pem, server.pem/.key, client.pem/.key), for
# `strata serve` and `strata --connect` (docs/nodes.md). Any certificate this
# CA signs is accepted by the node: make a CA per deployment, keep ca.key
# off the machines, and use real certificate management in production.
#
#   cli/make-certs.sh ./certs [days=365]
set -euo pipefail
dir=$1
days=${2:-365}
mkdir -p "$dir"
cd "$dir"
openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days "$days" \
  -subj /CN=strata-ca 2>/dev/null
for name in server client; do
  openssl req -newkey rsa:2048 -nodes -keyout $name.key -out $name.csr \
    -subj /CN=strata-$name 2>/dev/null
  openssl x509 -req -in $name.csr -CA ca.pem -CAkey ca.key -CAcreateserial \
    -out $name.pem -days "$days" 2>/dev/null
done
