// The CoClickLua module. See DEVELOPERS.md for the layout.
