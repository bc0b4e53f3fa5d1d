import { ConfigError, type Env, loadConfig } from '../../src/config';

const base: Env = {
  AzureWebJobsStorage: 'UseDevelopmentStorage=true',
  COSMOS_ENDPOINT: 'http://127.0.0.1:8081',
  COSMOS_KEY: 'secret',
};

function errorOf(env: Env): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('loadConfig accepted the environment');
}

describe('Function: loadConfig', () => {
  it('applies the documented defaults', () => {
    // Prepare / Act
    const config = loadConfig(base);

    // Assess
    expect(config).toMatchObject({
      storage: { kind: 'connectionString', connectionString: 'UseDevelopmentStorage=true' },
      cosmos: {
        endpoint: 'http://127.0.0.1:8081',
        key: 'secret',
        database: 'images',
        container: 'records',
      },
      analyzer: 'local',
      vision: {
        endpoints: [],
        keys: [],
        callsPerMinute: 20,
        breakerFailures: 5,
        breakerSeconds: 30,
      },
      maxUploadBytes: 20 * 1024 * 1024,
      maxInputPixels: 50_000_000,
      variantFormat: 'webp',
    });
  });

  it('reads every documented variable', () => {
    // Prepare
    const env: Env = {
      ...base,
      COSMOS_DATABASE: 'db',
      COSMOS_CONTAINER: 'docs',
      ANALYZER: 'none',
      MAX_UPLOAD_BYTES: '1024',
      MAX_INPUT_PIXELS: '4000000',
      VARIANT_FORMAT: 'AVIF',
      VISION_ENDPOINTS:
        'https://a.cognitiveservices.azure.com, https://b.cognitiveservices.azure.com',
      VISION_KEYS: 'k1,k2',
      VISION_CALLS_PER_MINUTE: '600',
      VISION_BREAKER_FAILURES: '3',
      VISION_BREAKER_SECONDS: '10',
      VISION_MAX_WAIT_SECONDS: '120',
      VISION_MAX_ATTEMPTS: '3',
    };

    // Act
    const config = loadConfig(env);

    // Assess
    expect(config.cosmos).toMatchObject({ database: 'db', container: 'docs' });
    expect(config.analyzer).toBe('none');
    expect(config.maxUploadBytes).toBe(1024);
    expect(config.maxInputPixels).toBe(4_000_000);
    expect(config.variantFormat).toBe('avif');
    expect(config.vision).toEqual({
      endpoints: ['https://a.cognitiveservices.azure.com', 'https://b.cognitiveservices.azure.com'],
      keys: ['k1', 'k2'],
      callsPerMinute: 600,
      breakerFailures: 3,
      breakerSeconds: 10,
      maxWaitSeconds: 120,
      maxAttempts: 3,
    });
  });

  it('refuses the same Vision endpoint listed twice', () => {
    expect(() =>
      loadConfig({ ...base, VISION_ENDPOINTS: 'https://v.example.com,https://V.example.com/' }),
    ).toThrow(/VISION_ENDPOINTS lists the same endpoint twice/);
  });

  it('defaults the analyzer to azure when Vision endpoints are set', () => {
    // Prepare / Act
    const config = loadConfig({ ...base, VISION_ENDPOINTS: 'https://v.example.com' });

    // Assess
    expect(config.analyzer).toBe('azure');
  });

  it('uses Entra ID when there is no Cosmos key and an account URL for storage', () => {
    // Prepare / Act
    const config = loadConfig({
      AzureWebJobsStorage__accountName: 'imagesprod',
      COSMOS_ENDPOINT: 'https://acct.documents.azure.com:443/',
    });

    // Assess
    expect(config.storage).toEqual({
      kind: 'identity',
      accountUrl: 'https://imagesprod.blob.core.windows.net',
    });
    expect(config.cosmos.key).toBeUndefined();
  });

  it.each([
    [{ ...base, MAX_UPLOAD_BYTES: 'lots' }, 'MAX_UPLOAD_BYTES'],
    [{ ...base, MAX_UPLOAD_BYTES: '0' }, 'MAX_UPLOAD_BYTES'],
    [{ ...base, MAX_INPUT_PIXELS: '-5' }, 'MAX_INPUT_PIXELS'],
    [{ ...base, VARIANT_FORMAT: 'png' }, 'VARIANT_FORMAT'],
    [{ ...base, ANALYZER: 'magic' }, 'ANALYZER'],
    [{ ...base, ANALYZER: 'azure' }, 'VISION_ENDPOINTS'],
    [{ ...base, VISION_ENDPOINTS: 'not a url' }, 'VISION_ENDPOINTS'],
    [{ ...base, VISION_ENDPOINTS: 'https://a', VISION_KEYS: 'k1,k2' }, 'VISION_KEYS'],
    [{ ...base, VISION_CALLS_PER_MINUTE: '1.5' }, 'VISION_CALLS_PER_MINUTE'],
    [{ ...base, COSMOS_ENDPOINT: undefined }, 'COSMOS_ENDPOINT'],
    [{ ...base, COSMOS_ENDPOINT: 'localhost:8081' }, 'COSMOS_ENDPOINT'],
    [{ ...base, COSMOS_CONTAINER: 'a/b' }, 'COSMOS_CONTAINER'],
    [{ ...base, AzureWebJobsStorage: undefined }, 'AzureWebJobsStorage'],
  ])('fails fast naming the bad variable (%#: %s)', (env, variable) => {
    // Prepare: the environment above
    // Act
    const error = errorOf(env);

    // Assess
    expect(error.variable).toBe(variable);
    expect(error.message).toContain(variable);
  });
});
