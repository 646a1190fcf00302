// Lint rules, run by `npm test`. Formatting is Prettier's job (`prettier --check` in `npm test`).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'cdktf.out/', 'cdktf.out.hcl/', 'coverage/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        process: 'readonly',
        require: 'readonly',
        module: 'readonly',
        __dirname: 'readonly',
        console: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      eqeqeq: 'error',
    },
  },
  {
    // The configuration layer and the catalog load no cdktf, provider or construct code: validating
    // a file must stay cheap, and a fact must not depend on how it is deployed. The pure documents
    // the checks measure (policies, chart values) are config/derived/; __tests__/guards.test.ts
    // checks every import against the layers, types included.)
    files: ['config/**/*.ts', 'catalog/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: [
                'cdktf',
                'cdktf/*',
                'constructs',
                '@cdktf/*',
                '**/stacks/*',
                '../stacks',
                '**/modules/*',
              ],
              message:
                'config/ and catalog/ must not load cdktf, providers, constructs, modules or stacks.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['catalog/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: [
                '../../*',
                '../config/*',
                '../modules/*',
                '../stacks/*',
                'cdktf',
                'constructs',
                '@cdktf/*',
              ],
              message:
                'The catalog is a leaf: it holds upstream facts and imports nothing of the project.',
            },
          ],
        },
      ],
    },
  },
  {
    // Tests and scripts read synthesized Terraform JSON, whose shape is the test's subject.
    files: ['__tests__/**', 'scripts/**'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
);
