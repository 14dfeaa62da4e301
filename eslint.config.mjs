// ESLint for src/, test/, scripts/ and bin/: the recommended rules of ESLint and typescript-eslint (no type-aware
// rules, so it stays fast enough to run in every `npm test`).
import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["dist/**", "node_modules/**", ".venv/**", "reports/**", "test-output/**", ".cache/**", "notebooks/**"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      ecmaVersion: 2022,
      sourceType: "module",
      globals: {
        console: "readonly",
        process: "readonly",
        require: "readonly",
        module: "writable",
        __dirname: "readonly",
        Buffer: "readonly",
        setTimeout: "readonly",
        clearTimeout: "readonly",
        setInterval: "readonly",
        clearInterval: "readonly",
        setImmediate: "readonly",
        URL: "readonly",
        performance: "readonly",
        globalThis: "readonly",
      },
    },
    rules: {
      // The engine's process table and the experiment registry hold processes and experiments of every type
      // (Process<any>, Experiment<any, any>); the typed faces are built over them.
      "@typescript-eslint/no-explicit-any": "off",
      // Large libraries (danfojs, vega, plotly) are loaded with require() on first use, never at import.
      "@typescript-eslint/no-require-imports": "off",
      // Generator bodies of processes are often `function* (self)` with `self` unused by a given branch.
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none" },
      ],
    },
  },
  {
    files: ["**/*.js", "**/*.mjs", "**/*.cjs"],
    rules: { "@typescript-eslint/no-require-imports": "off" },
  },
);
