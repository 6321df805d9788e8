"""ckanext-magetan: the sectoral-statistics portal of Kabupaten Magetan."""
