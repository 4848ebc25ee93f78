// The certificate builder lives in @punktfunk/identity, shared with the clients.
export * from '@punktfunk/identity';
