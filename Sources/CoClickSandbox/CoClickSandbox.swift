// The CoClickSandbox module. See DEVELOPERS.md for the layout.
