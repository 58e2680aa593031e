import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

export interface KeyPair {
  key: string;
  cert: string;
}

export interface TestCertificates {
  /** A private CA; pass `ca.cert` to `createHttpProbe({ ca })` to trust it. */
  ca: KeyPair;
  /** Signed by the CA for 127.0.0.1 and localhost, valid for 30 days. */
  valid: KeyPair;
  /** Signed by the CA, valid 2020-01-01 → 2020-01-02: expired. */
  expired: KeyPair;
  /** Signed by the CA but only for example.invalid. */
  wrongHost: KeyPair;
  /** Signed by itself, for 127.0.0.1. */
  selfSigned: KeyPair;
}

const SAN = "subjectAltName=IP:127.0.0.1,DNS:localhost";

/**
 * Makes the certificates with the openssl CLI in a temporary directory, at test time (nothing
 * committed expires). The expired certificate comes from `openssl ca`, whose -startdate/-enddate
 * set any validity window; OpenSSL 3.0's `x509`/`req` cannot date a certificate in the past.
 * EC P-256 keys keep generation to a few hundred milliseconds.
 */
export async function makeTestCertificates(): Promise<TestCertificates> {
  const dir = await mkdtemp(join(tmpdir(), "ops-tls-"));
  const at = (name: string) => join(dir, name);
  const openssl = (...args: string[]) => run("openssl", args, { cwd: dir });
  const newKey = (name: string) =>
    openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", at(name));
  try {
    await Promise.all([
      newKey("ca.key"),
      newKey("valid.key"),
      newKey("expired.key"),
      newKey("wrong.key"),
      newKey("self.key"),
    ]);
    await openssl(
      "req",
      "-x509",
      "-new",
      "-key",
      "ca.key",
      "-out",
      "ca.crt",
      "-days",
      "2",
      "-subj",
      "/CN=ops test CA",
      "-addext",
      "basicConstraints=critical,CA:TRUE",
      "-addext",
      "keyUsage=critical,keyCertSign,cRLSign",
    );
    await openssl(
      "req",
      "-x509",
      "-new",
      "-key",
      "self.key",
      "-out",
      "self.crt",
      "-days",
      "30",
      "-subj",
      "/CN=127.0.0.1",
      "-addext",
      SAN,
    );
    await Promise.all([
      openssl("req", "-new", "-key", "valid.key", "-out", "valid.csr", "-subj", "/CN=127.0.0.1"),
      openssl("req", "-new", "-key", "expired.key", "-out", "expired.csr", "-subj", "/CN=127.0.0.1"),
      openssl("req", "-new", "-key", "wrong.key", "-out", "wrong.csr", "-subj", "/CN=example.invalid"),
    ]);
    await writeFile(at("leaf.ext"), `${SAN}\n`);
    await writeFile(at("wrong.ext"), "subjectAltName=DNS:example.invalid\n");
    await openssl(
      "x509",
      "-req",
      "-in",
      "valid.csr",
      "-CA",
      "ca.crt",
      "-CAkey",
      "ca.key",
      "-CAcreateserial",
      "-days",
      "30",
      "-extfile",
      "leaf.ext",
      "-out",
      "valid.crt",
    );
    await openssl(
      "x509",
      "-req",
      "-in",
      "wrong.csr",
      "-CA",
      "ca.crt",
      "-CAkey",
      "ca.key",
      "-CAcreateserial",
      "-days",
      "30",
      "-extfile",
      "wrong.ext",
      "-out",
      "wrong.crt",
    );
    await writeFile(at("index.txt"), "");
    await writeFile(at("serial"), "1000\n");
    await writeFile(at("ca.cnf"), CA_CONFIG);
    await openssl(
      "ca",
      "-batch",
      "-config",
      "ca.cnf",
      "-in",
      "expired.csr",
      "-out",
      "expired.crt",
      "-notext",
      "-startdate",
      "20200101000000Z",
      "-enddate",
      "20200102000000Z",
    );
    const pair = async (key: string, cert: string): Promise<KeyPair> => ({
      key: await readFile(at(key), "utf8"),
      cert: await readFile(at(cert), "utf8"),
    });
    return {
      ca: await pair("ca.key", "ca.crt"),
      valid: await pair("valid.key", "valid.crt"),
      expired: await pair("expired.key", "expired.crt"),
      wrongHost: await pair("wrong.key", "wrong.crt"),
      selfSigned: await pair("self.key", "self.crt"),
    };
  } catch (error) {
    throw new Error(`could not make test certificates with the openssl CLI (is openssl on PATH?)`, { cause: error });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const CA_CONFIG = `[ ca ]
default_ca = test_ca
[ test_ca ]
dir = .
database = ./index.txt
serial = ./serial
new_certs_dir = .
certificate = ./ca.crt
private_key = ./ca.key
default_md = sha256
policy = any
copy_extensions = none
x509_extensions = leaf
unique_subject = no
[ any ]
commonName = supplied
[ leaf ]
basicConstraints = CA:FALSE
subjectAltName = IP:127.0.0.1,DNS:localhost
`;
