//! The program's storage: maps (globals, variables, aggregations, the
//! per-CPU record and temp areas), the string table, and the finished
//! `Compiled` output.

use super::*;

impl<'a> Codegen<'a> {
    pub(super) fn add_map(&mut self, name: &str, map_type: u32, key_size: u32, value_size: u32, max_entries: u32) -> usize {
        self.out.maps.push(MapSpec {
            name: name.to_string(),
            map_type,
            key_size,
            value_size,
            max_entries,
            init: Vec::new(),
        });
        self.out.maps.len() - 1
    }

    pub(super) fn value_size(&self, t: &Type) -> u32 {
        value_size(t, self.strsize)
    }

    pub(super) fn tuple_size(&self, keys: &[Type]) -> u32 {
        keys.iter().map(|k| self.value_size(k)).sum::<u32>().max(8)
    }

    /// Creates the fixed maps and one map per variable and aggregation.
    pub(super) fn declare_storage(&mut self) -> R<()> {
        let o = self.env.opts;
        let rb = (o.bufsize.max(4096).next_power_of_two()).min(1 << 30) as u32;
        self.add_map("dt_state", consts::BPF_MAP_TYPE_ARRAY, 4, 8, 1);
        self.add_map("dt_buf", consts::BPF_MAP_TYPE_RINGBUF, 0, 0, rb);
        self.add_map("dt_rec", consts::BPF_MAP_TYPE_PERCPU_ARRAY, 4, 0, NEST_LEVELS);
        self.add_map("dt_tmp", consts::BPF_MAP_TYPE_PERCPU_ARRAY, 4, 0, NEST_LEVELS);
        self.add_map("dt_drops", consts::BPF_MAP_TYPE_PERCPU_ARRAY, 4, DROP_SLOTS * 8, 1);
        self.add_map("dt_globals", consts::BPF_MAP_TYPE_ARRAY, 4, 0, 1);
        self.add_map("dt_strtab", consts::BPF_MAP_TYPE_ARRAY, 4, 0, 1);
        self.add_map("dt_zero", consts::BPF_MAP_TYPE_ARRAY, 4, 8, 1);
        self.add_map("dt_sysprobe", consts::BPF_MAP_TYPE_ARRAY, 4, SYSPROBE_VALUE, 1024);
        self.add_map("dt_probeinfo", consts::BPF_MAP_TYPE_HASH, 4, PROBEINFO_VALUE, 1);
        self.add_map("dt_spec", consts::BPF_MAP_TYPE_ARRAY, 4, 8, o.nspec.clamp(1, MAX_NSPEC));
        self.add_map("dt_nest", consts::BPF_MAP_TYPE_PERCPU_ARRAY, 4, 8, 1);
        debug_assert_eq!(self.out.maps.len(), FIXED_MAPS);
        let syms = &self.env.sema.syms;
        for v in &syms.globals {
            self.global_off.push(self.globals_size);
            self.globals_size += if v.ty.is_str() {
                self.value_size(&v.ty)
            } else {
                (v.ty.size(self.strsize) as u32).div_ceil(8).max(1) * 8
            };
        }
        // Each map gets the whole space its option gives (as each of
        // DTrace's maps does).
        let ncpus = crate::host::possible_cpus();
        let dyn_entries = |ks: u32, vs: u32| dynvar_entries(o.dynvarsize, ks, vs);
        for v in syms.selfs.clone() {
            let vs = self.value_size(&v.ty);
            let m = self.add_map(&format!("dt_self_{}", v.name), consts::BPF_MAP_TYPE_HASH, 8, vs, dyn_entries(8, vs));
            self.self_maps.push(m);
        }
        for v in syms.assocs.clone() {
            let (ks, vs) = (self.tuple_size(&v.keys), self.value_size(&v.ty));
            let m = self.add_map(&format!("dt_a_{}", v.name), consts::BPF_MAP_TYPE_HASH, ks, vs, dyn_entries(ks, vs));
            self.assoc_maps.push(m);
        }
        let mut zero_size = 8;
        for a in syms.aggs.clone() {
            let vs = 8 * (1 + agg_payload_words(&a.func));
            zero_size = zero_size.max(vs);
            let keyless = a.keys.is_empty();
            let ks = if keyless { 4 } else { self.tuple_size(&a.keys) };
            let name = format!("dt_agg_{}", a.name);
            let m = if keyless {
                let fits = o.aggsize >= u64::from(vs) * ncpus as u64;
                self.add_map(&name, consts::BPF_MAP_TYPE_PERCPU_ARRAY, 4, vs, fits as u32)
            } else {
                let n = hash_entries(o.aggsize, ks, vs, true, ncpus);
                self.add_map(&name, consts::BPF_MAP_TYPE_PERCPU_HASH, ks, vs, n)
            };
            self.agg_index.push(self.out.aggs.len());
            self.out.aggs.push(AggSpec {
                name: a.name.clone(),
                keys: a.keys.clone(),
                func: a.func.clone(),
                map: m,
                key_size: ks,
                value_size: vs,
                keyless,
            });
        }
        self.out.maps[MAP_ZERO].value_size = zero_size;
        Ok(())
    }

    pub(super) fn finish(mut self) -> R<Compiled> {
        self.out.maps[MAP_REC].value_size = self.max_rec;
        if self.max_tmp > 32 * 1024 - 64 {
            return Err(CompileError::nowhere(
                "D_SCRATCH",
                format!("clauses need {} bytes of scratch space per CPU (at most 32704): reduce strsize or the number of strings used", self.max_tmp),
            ));
        }
        self.out.maps[MAP_TMP].value_size = self.max_tmp;
        self.out.maps[MAP_GLOBALS].value_size = self.globals_size.max(8);
        // The string table: every literal, followed by strsize zero bytes so
        // any literal can be read as a full strsize buffer.
        let mut tab = std::mem::take(&mut self.strtab);
        tab.resize(tab.len() + self.strsize as usize + 8, 0);
        let len = (tab.len() + 7) & !7;
        tab.resize(len, 0);
        self.out.maps[MAP_STRTAB].value_size = len as u32;
        self.out.maps[MAP_STRTAB].init.push((0u32.to_le_bytes().to_vec(), tab));
        if self.probeinfo_used {
            let cat = self.env.catalog;
            let mut ids = std::mem::take(&mut self.probeinfo_ids);
            ids.sort();
            ids.dedup();
            let m = &mut self.out.maps[MAP_PROBEINFO];
            m.max_entries = ids.len().max(1) as u32;
            for id in ids {
                let Some(p) = cat.get(id) else { continue };
                let mut v = vec![0u8; PROBEINFO_VALUE as usize];
                let room = PROBEINFO_MOD_OFF as usize - 1;
                let f = p.function.as_bytes();
                v[..f.len().min(room)].copy_from_slice(&f[..f.len().min(room)]);
                let md = p.module.as_bytes();
                let o = PROBEINFO_MOD_OFF as usize;
                v[o..o + md.len().min(room)].copy_from_slice(&md[..md.len().min(room)]);
                m.init.push((id.to_le_bytes().to_vec(), v));
            }
        }
        if self.sysprobe_used {
            let cat = self.env.catalog;
            let mut init = Vec::new();
            for (nr, ids, func) in cat.providers().flat_map(|(_, p)| p.number_table(cat)) {
                if nr >= 1024 {
                    continue;
                }
                let mut v = vec![0u8; SYSPROBE_VALUE as usize];
                v[0..4].copy_from_slice(&ids[0].to_le_bytes());
                v[4..8].copy_from_slice(&ids[1].to_le_bytes());
                let n = func.as_bytes();
                let l = n.len().min(SYSPROBE_VALUE as usize - SYSPROBE_NAME_OFF as usize - 1);
                v[8..8 + l].copy_from_slice(&n[..l]);
                init.push((nr.to_le_bytes().to_vec(), v));
            }
            self.out.maps[MAP_SYSPROBE].init = init;
        } else {
            self.out.maps[MAP_SYSPROBE].max_entries = 1;
        }
        Ok(self.out)
    }

    /// Offset of `size` zero bytes in the string table (what a missing
    /// struct-valued variable reads as).
    pub(super) fn zeros(&mut self, size: u32) -> u32 {
        let off = self.strtab.len() as u32;
        self.strtab.resize(self.strtab.len() + size.div_ceil(8) as usize * 8, 0);
        off
    }

    /// Offset of a string literal in the string table.
    pub(super) fn intern(&mut self, s: &[u8]) -> u32 {
        let mut key = s.to_vec();
        if let Some(n) = key.iter().position(|&c| c == 0) {
            key.truncate(n);
        }
        key.truncate(self.strsize as usize - 1);
        if let Some(&o) = self.strtab_index.get(&key) {
            return o;
        }
        let off = self.strtab.len() as u32;
        self.strtab.extend_from_slice(&key);
        self.strtab.push(0);
        while self.strtab.len() % 8 != 0 {
            self.strtab.push(0);
        }
        self.strtab_index.insert(key, off);
        off
    }
}
