/**
 * Organisation PKI: root CA, signer and TSA certificates, CRLs, key and encoding helpers.
 * Keys are node:crypto KeyObjects; certificates and CRLs are DER Buffers.
 */
export { createRootCa, type CreateRootCaInput, type RootCa } from "./create-root-ca";
export { issueSignerCertificate, revocationExtensions, type IssueSignerCertificateInput } from "./issue-signer-certificate";
export { issueTsaCertificate, type IssueTsaCertificateInput } from "./issue-tsa-certificate";
export { createCrl, type CreateCrlInput, type RevokedCertificate, type RevocationReason } from "./create-crl";
export { generateSerialNumber, computeKeyIdentifier, type CertificateIssuer, type IssuedCertificate } from "./certificate-builder";
export type { DistinguishedName, ParsedName, NameAttribute } from "./distinguished-name";
export { parseName } from "./distinguished-name";
export {
  generateRsaKeyPair,
  exportPrivateKeyPem,
  exportPrivateKeyDer,
  importPrivateKey,
  exportPublicKeyPem,
  importPublicKey,
  publicKeyOfCertificate,
  certificatePemToDer,
  certificateDerToPem,
  crlDerToPem,
  type RsaKeyPair,
} from "./keys";
export { readCertificate, type CertificateSummary } from "./read-certificate";
export {
  parseOcspRequest,
  buildOcspResponse,
  buildOcspErrorResponse,
  certIdMatchesIssuer,
  certIdFor,
  type OcspRequest,
  type OcspCertId,
  type OcspCertStatus,
  type OcspErrorStatus,
} from "./ocsp";
