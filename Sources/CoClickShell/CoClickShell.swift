// The CoClickShell module. See DEVELOPERS.md for the layout.
