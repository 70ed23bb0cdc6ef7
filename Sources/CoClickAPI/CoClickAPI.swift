// The CoClickAPI module. See DEVELOPERS.md for the layout.
