#!/bin/sh
# Generates the throwaway PKI of the TLS tests into DIR (OpenSSL 3.0 CLI):
#
#   trust.pem / trust.der   the trusted root CA (what the client loads)
#   trust-multi.der         an unrelated CA, then the root, as concatenated DER
#   valid.pem               leaf for localhost + 127.0.0.1, then the intermediate
#   wronghost.pem           leaf for wrong.example only (same chain)
#   expired.pem             leaf valid 2020-01-01..2021-01-01
#   notyet.pem              leaf valid 2090-01-01..2091-01-01
#   untrusted.pem           leaf for localhost from a CA the client does not trust
#   selfsigned.pem          self-signed certificate for localhost
#   leaf.key                the key of every leaf above
#
# Usage: gen-certs.sh DIR [ec|rsa]   (key type, default ec: P-256)
# HC_TLS_EXTRA_SAN (e.g. DNS:hc-ping.test) is added to the names of every
# leaf for localhost: for a client that reaches the server by another name.
# Validity dates are set with `openssl ca -startdate/-enddate`, which works
# with OpenSSL 3.0 (x509 -not_before/-not_after came with 3.4).
set -eu

dir=$1
keytype=${2:-ec}
mkdir -p "$dir"
cd "$dir"

newkey() {
    if [ "$keytype" = rsa ]; then
        openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$1" 2>/dev/null
    else
        openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1"
    fi
}

cat > ca.cnf <<'EOF'
[ ca ]
default_ca = ca_default
[ ca_default ]
dir = ./$ENV::CA
database = $dir/index.txt
new_certs_dir = $dir
serial = $dir/serial
default_md = sha256
policy = policy_any
unique_subject = no
copy_extensions = none
[ policy_any ]
commonName = supplied
[ req ]
distinguished_name = dn
prompt = no
[ dn ]
CN = unused
[ ca_ext ]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
[ leaf_ext ]
basicConstraints = CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
subjectAltName = $ENV::SAN
EOF

# A CA directory with its self-signed certificate: mkroot NAME CN
mkroot() {
    mkdir -p "$1"
    : > "$1/index.txt"
    echo 1000 > "$1/serial"
    newkey "$1/ca.key"
    CA=$1 SAN=DNS:unused openssl req -config ca.cnf -new -x509 -key "$1/ca.key" \
        -subj "/CN=$2" -days 3650 -extensions ca_ext -out "$1/ca.crt"
}

# Sign a CSR with CA: sign CA CSR OUT EXTENSIONS SAN [openssl ca date options]
sign() {
    ca=$1 csr=$2 out=$3 ext=$4 san=$5
    shift 5
    CA=$ca SAN=$san openssl ca -config ca.cnf -batch -notext -cert "$ca/ca.crt" \
        -keyfile "$ca/ca.key" -extensions "$ext" -in "$csr" -out "$out" "$@" 2>/dev/null
}

# A leaf for localhost signed by CA: leaf CA OUT SAN [date options]
leaf() {
    ca=$1 out=$2 san=$3
    shift 3
    CA=$ca SAN=$san openssl req -config ca.cnf -new -key leaf.key -subj "/CN=localhost" \
        -out "$out.csr"
    sign "$ca" "$out.csr" "$out.crt" leaf_ext "$san" "$@"
}

mkroot root "hc test root"
mkroot other "hc untrusted root"
newkey leaf.key

# The intermediate, so that the valid case builds a real chain.
mkdir -p inter
: > inter/index.txt
echo 2000 > inter/serial
newkey inter/ca.key
CA=root SAN=DNS:unused openssl req -config ca.cnf -new -key inter/ca.key \
    -subj "/CN=hc test intermediate" -out inter.csr
sign root inter.csr inter/ca.crt ca_ext DNS:unused -days 3650

local_san="DNS:localhost,IP:127.0.0.1${HC_TLS_EXTRA_SAN:+,$HC_TLS_EXTRA_SAN}"
leaf inter valid "$local_san" -days 30
leaf inter wronghost "DNS:wrong.example"  -days 30
leaf inter expired "$local_san" -startdate 20200101000000Z -enddate 20210101000000Z
leaf inter notyet "$local_san" -startdate 20900101000000Z -enddate 20910101000000Z
leaf other untrusted "$local_san" -days 30
CA=root SAN="$local_san" openssl req -config ca.cnf -new -x509 -key leaf.key \
    -subj "/CN=localhost" -days 30 -extensions leaf_ext -out selfsigned.crt

for name in valid wronghost expired notyet; do
    cat "$name.crt" inter/ca.crt > "$name.pem"
done
cat untrusted.crt other/ca.crt > untrusted.pem
cp selfsigned.crt selfsigned.pem

cp root/ca.crt trust.pem
openssl x509 -in root/ca.crt -outform DER -out trust.der
openssl x509 -in other/ca.crt -outform DER -out other.der
cat other.der trust.der > trust-multi.der
