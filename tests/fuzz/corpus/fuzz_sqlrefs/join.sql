SELECT a.x, b.y FROM `proj.ds.orders` a JOIN ds2.customers b USING (id) WHERE x IN (SELECT id FROM `p2`.`d`.`t`) -- FROM c.d
